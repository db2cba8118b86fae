"""Length-prefixed pickle frames between a process and a helper process it started.

Both ends are this codebase (the helper is our own child, fed over its stdin and stdout
pipes), so pickle's trust model holds: nothing here ever reads a frame from the network.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import struct
from typing import Any

HEADER = struct.Struct(">I")
#: Reader buffer for a pipe of frames (a batch of a thousand items fits).
READ_LIMIT = 4 * 1024 * 1024


def encode(message: object) -> bytes:
    body = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
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
    return pickle.loads(await reader.readexactly(size))


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
