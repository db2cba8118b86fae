"""The SQLite click writer process: ``python -m clicktrail.tracking.sqlite_writer``.

The server starts it (clicktrail/tracking/sinks.py, ``SqliteProcessSink``) through the
shared child-process bridge (clicktrail/kit/bridge.py, clicktrail/kit/child.py) and sends
it one batch at a time. Inserting into SQLite costs CPU per click, with the GIL held; here
that work runs on another core while the server's event loop keeps answering requests.
The process exits when its stdin closes, so it never outlives the server (a batch it is
committing when the server dies is still committed).

Configuration: ``(path, synchronous)``. Request: ``(records, windows, retry)``, records as
tuples of plain values (``sinks._wire_record``). Answer: ``("ok", [is_unique, ...])`` or
``("data" | "db", message)``. A batch of impressions is ``("imp", records, retry)``
(clicktrail/tracking/sqlite_impressions.py), answered ``("ok", stored)`` (ADR 0102).
"""

from __future__ import annotations

import sqlite3
from typing import Any

from clicktrail.kit import child
from clicktrail.tracking.sqlite_batch import SqliteBatchWriter
from clicktrail.tracking.sqlite_impressions import write_impressions


class _Batches:
    def __init__(self, writer: SqliteBatchWriter) -> None:
        self.writer = writer

    def handle(self, seq: int, request: Any, reply: child.Reply) -> None:
        try:
            if request[0] == "imp":
                _, records, retry = request
                answer: Any = write_impressions(self.writer, records, retry=bool(retry))
            else:
                records, windows, retry = request
                answer = self.writer.write(records, windows, retry=bool(retry))
        except (sqlite3.IntegrityError, sqlite3.DataError, ValueError, TypeError) as exc:
            reply(seq, ("data", repr(exc)))
        except Exception as exc:
            reply(seq, ("db", repr(exc)))
        else:
            reply(seq, ("ok", answer))

    async def close(self) -> None:
        self.writer.close()


async def setup(config: Any) -> _Batches:
    path, synchronous = config
    return _Batches(SqliteBatchWriter(path, synchronous))


if __name__ == "__main__":
    child.run(setup)
