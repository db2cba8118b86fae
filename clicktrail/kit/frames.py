"""Length-prefixed marshal frames between a process and a helper process it started.

A frame is a ``>I`` byte count followed by ``marshal.dumps(message)``. Messages are plain
values only (None, bool, int, float, str, bytes, tuple, list, dict): a domain turns its
objects into tuples before they cross (ADR 0087), and nothing can run code on loading a
frame. Both ends are this codebase, started together from the same interpreter, so
marshal's version-specific format is never a concern.
"""

from __future__ import annotations

import asyncio
import marshal
import os
import struct
from typing import Any

HEADER = struct.Struct(">I")
#: Reader buffer for a pipe of frames (a batch of a thousand items fits).
READ_LIMIT = 4 * 1024 * 1024


def encode(message: Any) -> bytes:
    body = marshal.dumps(message)
    return HEADER.pack(len(body)) + body


async def read(reader: asyncio.StreamReader) -> Any:
    """The next message, or ``None`` at a clean end of the stream (EOF between frames)."""
    try:
        header = await reader.readexactly(HEADER.size)
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise
    (size,) = HEADER.unpack(header)
    return marshal.loads(await reader.readexactly(size))


async def stdio() -> tuple[asyncio.StreamReader, asyncio.WriteTransport]:
    """This process's stdin as a frame reader and its stdout as a write transport.

    Frames own the real stdout from here on: file descriptor 1 is pointed at stderr, so a
    stray ``print`` in the helper can never corrupt a frame.
    """
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=READ_LIMIT)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(0, "rb", buffering=0)
    )
    frames_fd = os.dup(1)
    os.dup2(2, 1)
    transport, _ = await loop.connect_write_pipe(
        asyncio.Protocol, os.fdopen(frames_fd, "wb", buffering=0)
    )
    return reader, transport
