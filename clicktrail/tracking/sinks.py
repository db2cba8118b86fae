"""Where a batch of clicks goes: one transaction per batch, clicks and their rollups together.

* SQLite: a writer process of its own (clicktrail/tracking/sqlite_writer.py) that receives
  each batch over the shared child-process bridge and answers once it is committed.
  Inserting a click with its five indexes and rollups costs SQLite CPU under the GIL; on
  the event loop (or in a thread, where the GIL convoy is worse) that capped the redirect
  well below half of a bare ASGI 302, so the work moves to another core (docs/adr/0011,
  docs/benchmarks.md).
* PostgreSQL: one asyncpg connection; ``COPY`` (binary) of the batch, then the rollup upserts,
  in one transaction; asyncpg does the I/O without holding the loop.

Both look up the batch's visitors first to settle ``is_unique`` (clicktrail/tracking/unique.py)
and record the batch in the report store (clicktrail/report/store.py) in the same transaction.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

import asyncpg
import orjson
from sqlalchemy.engine import make_url

from clicktrail.kit.bridge import ChildLost, ChildProcess
from clicktrail.report.store import store
from clicktrail.tracking.rows import COLUMNS
from clicktrail.tracking.unique import Pending, lookup_bounds, mark_unique

_GET = itemgetter(*COLUMNS)
_I_CREATED = COLUMNS.index("created_at")
_I_REVENUE = COLUMNS.index("revenue")
_I_PAYOUT = COLUMNS.index("payout")
_I_QUERY = COLUMNS.index("query_parameters")
#: When the SQLite writer process is started after the server (it is also started on demand).
PRESTART_SECONDS = 2.0
#: Seconds ``close`` waits for the writer process's last answer and for it to exit.
STOP_SECONDS = 10.0


class ClickSink(Protocol):
    dialect: str

    async def open(self) -> None: ...

    async def close(self) -> None: ...

    async def write(self, items: Sequence[Pending], *, retry: bool = False) -> None:
        """Settle uniqueness, insert the rows and their rollups, commit; all or nothing.

        ``retry``: the batch may already be stored (its commit's answer was lost); stored
        clicks must be recognised, not inserted or rolled up twice."""

    def is_data_error(self, exc: BaseException) -> bool:
        """True when ``exc`` is about the rows themselves (retrying them as they are fails)."""


def _json(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def _wire_record(row: dict[str, Any]) -> tuple[Any, ...]:
    """A row for the SQLite writer process: marshal-able values only."""
    values = list(_GET(row))
    values[_I_CREATED] = values[_I_CREATED].timestamp()
    values[_I_REVENUE] = str(values[_I_REVENUE])
    values[_I_PAYOUT] = str(values[_I_PAYOUT])
    return tuple(values)


def _pg_record(row: dict[str, Any]) -> tuple[Any, ...]:
    values = list(_GET(row))
    values[_I_QUERY] = _json(values[_I_QUERY])
    return tuple(values)


class ChildDataError(Exception):
    """The SQLite writer process refused the rows themselves."""


class ChildDatabaseError(Exception):
    """The SQLite writer process could not write (lock timeout, disk, I/O)."""


class SqliteProcessSink:
    """Batches go to the SQLite writer process (clicktrail/tracking/sqlite_writer.py),
    over the shared child-process bridge (clicktrail/kit/bridge.py).

    The process is started a little after ``open``, off the startup path: its imports take
    about a second; started at once by every short-lived app (tests) it would cost more
    than it saves, started on the first click that click would wait. The first batch
    starts it if it is not up yet, and so does the next batch after it died.
    """

    dialect = "sqlite"

    def __init__(self, path: Path, synchronous: str = "FULL") -> None:
        self.path = path
        self.synchronous = synchronous
        self._child = ChildProcess(
            "clicktrail.tracking.sqlite_writer",
            (str(path), synchronous),
            label="sqlite_click_writer",
        )

    @property
    def process(self) -> asyncio.subprocess.Process | None:
        return self._child.process

    @property
    def child(self) -> ChildProcess:
        """The writer process's bridge (impressions go through it too, ADR 0102)."""
        return self._child

    async def open(self) -> None:
        self._child.prestart(PRESTART_SECONDS)

    async def close(self) -> None:
        await self._child.stop(STOP_SECONDS)

    def is_data_error(self, exc: BaseException) -> bool:
        return isinstance(exc, ChildDataError | ValueError | TypeError)

    async def write(self, items: Sequence[Pending], *, retry: bool = False) -> None:
        request = ([_wire_record(i.row) for i in items], [i.window for i in items], retry)
        try:
            status, result = await self._child.call(request)
        except ChildLost as exc:
            raise ChildDatabaseError(f"sqlite writer process failed: {exc!r}") from exc
        if status == "data":
            raise ChildDataError(result)
        if status != "ok":
            raise ChildDatabaseError(result)
        for item, unique in zip(items, result, strict=True):
            item.row["is_unique"] = unique


class AsyncpgSink:
    """A sink writing through one asyncpg connection of its own: how it opens, closes and
    tells bad rows from a broken database."""

    def __init__(self, url: str) -> None:
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn: asyncpg.Connection | None = None

    async def open(self) -> None:
        self.conn = await asyncpg.connect(self.dsn, timeout=10)

    async def close(self) -> None:
        if self.conn is not None:
            try:
                await asyncio.wait_for(self.conn.close(), 5)
            except Exception:
                self.conn.terminate()
            self.conn = None

    def is_data_error(self, exc: BaseException) -> bool:
        return isinstance(
            exc,
            asyncpg.DataError
            | asyncpg.IntegrityConstraintViolationError
            | asyncpg.exceptions.CharacterNotInRepertoireError
            | ValueError
            | TypeError
            | UnicodeError,
        )


class PostgresSink(AsyncpgSink):
    dialect = "postgresql"

    async def _latest(self, conn: Any, items: Sequence[Pending]) -> dict[str, datetime]:
        hashes, since = lookup_bounds(items)
        if not hashes or since is None:
            return {}
        # One backward index probe per visitor (ix_click_visitor), not a scan of its clicks.
        records = await conn.fetch(
            "SELECT h.v, (SELECT max(c.created_at) FROM click c "
            "WHERE c.visitor_hash = h.v AND c.created_at >= $2) "
            "FROM unnest($1::varchar[]) AS h(v)",
            hashes,
            since,
        )
        return {r[0]: r[1] for r in records if r[1] is not None}

    async def write(self, items: Sequence[Pending], *, retry: bool = False) -> None:
        if self.conn is None or self.conn.is_closed():
            await self.open()
        conn = self.conn
        assert conn is not None
        async with conn.transaction():
            if retry:
                stored = {
                    r[0]: r[1]
                    for r in await conn.fetch(
                        "SELECT transaction_id, is_unique FROM click "
                        "WHERE transaction_id = ANY($1::varchar[])",
                        [item.row["transaction_id"] for item in items],
                    )
                }
                for item in items:
                    if item.row["transaction_id"] in stored:
                        item.row["is_unique"] = stored[item.row["transaction_id"]]
                items = [i for i in items if i.row["transaction_id"] not in stored]
                if not items:
                    return
            mark_unique(items, await self._latest(conn, items))
            rows = [item.row for item in items]
            await conn.copy_records_to_table(
                "click", records=[_pg_record(row) for row in rows], columns=COLUMNS
            )
            for sql, params in store().click_statements(rows, "postgresql"):
                await conn.executemany(sql, params)
