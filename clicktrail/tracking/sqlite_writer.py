"""The SQLite click writer process: ``python -m clicktrail.tracking.sqlite_writer PATH SYNC``.

The server starts it (clicktrail/tracking/sinks.py, ``SqliteProcessSink``) and talks to it
over stdin/stdout, one batch at a time. Inserting into SQLite costs CPU per click, with
the GIL held; here that work runs on another core while the
server's event loop keeps answering requests. The process exits when its stdin closes, so
it never outlives the server (a batch it is committing when the server dies is still
committed). It ignores SIGINT and SIGTERM, which a terminal or a service manager sends to
the server's whole process group.

Frames: request = ``>IB`` (payload length, flags; flag 1 = retry) + marshal of
``(records, windows)``; reply = ``>I`` (length) + marshal of ``("ok", [is_unique, ...])``
or ``("data" | "db", message)``.
"""

from __future__ import annotations

import contextlib
import marshal
import signal
import sqlite3
import struct
import sys
from typing import Any, BinaryIO

from clicktrail.kit.orphans import die_with_parent
from clicktrail.tracking.sqlite_batch import SqliteBatchWriter

REQUEST = struct.Struct(">IB")
REPLY = struct.Struct(">I")
FLAG_RETRY = 1


def _read(stream: BinaryIO, size: int) -> bytes | None:
    chunks = []
    remaining = size
    while remaining:
        chunk = stream.read(remaining)
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _reply(stream: BinaryIO, message: tuple[str, Any]) -> None:
    body = marshal.dumps(message)
    stream.write(REPLY.pack(len(body)) + body)
    stream.flush()


def serve(path: str, synchronous: str, source: BinaryIO, sink: BinaryIO) -> None:
    writer = SqliteBatchWriter(path, synchronous)
    try:
        while True:
            header = _read(source, REQUEST.size)
            if header is None:
                return
            size, flags = REQUEST.unpack(header)
            payload = _read(source, size)
            if payload is None:
                return
            try:
                records, windows = marshal.loads(payload)
                unique = writer.write(records, windows, retry=bool(flags & FLAG_RETRY))
            except (sqlite3.IntegrityError, sqlite3.DataError, ValueError, TypeError) as exc:
                _reply(sink, ("data", repr(exc)))
            except Exception as exc:
                _reply(sink, ("db", repr(exc)))
            else:
                _reply(sink, ("ok", unique))
    finally:
        writer.close()


def main() -> None:
    path, synchronous = sys.argv[1], sys.argv[2]
    # The server ends this process by closing its stdin, after its last batch: a Ctrl-C or
    # a TERM sent to the server's whole process group must not cut a batch.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Its parent can acknowledge nothing once it is gone, so ending mid-batch loses nothing
    # acknowledged; without this a writer could outlive a server killed with kill -9.
    die_with_parent(signal.SIGKILL)
    with contextlib.suppress(BrokenPipeError):
        serve(path, synchronous, sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    main()
