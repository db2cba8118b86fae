"""Where a batch of clicks goes: one transaction per batch, clicks and their rollups together.

* SQLite: a writer process of its own (clicktrail/tracking/sqlite_writer.py) that receives
  each batch over a pipe and answers once it is committed. Inserting a click with its five
  indexes and rollups costs SQLite CPU under the GIL; on the event loop (or in a thread,
  where the GIL convoy is worse) that capped the redirect well below half of a bare ASGI
  302, so the work moves to another core (docs/adr/0011, docs/benchmarks.md).
* PostgreSQL: one asyncpg connection; ``COPY`` (binary) of the batch, then the rollup upserts,
  in one transaction; asyncpg does the I/O without holding the loop.

Both look up the batch's visitors first to settle ``is_unique`` (clicktrail/tracking/unique.py)
and record the batch in the report store (clicktrail/report/store.py) in the same transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import marshal
import sys
from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

import asyncpg
import orjson
from sqlalchemy.engine import make_url

from clicktrail.kit.children import close_stdin_and_wait
from clicktrail.kit.orphans import child_env
from clicktrail.report.store import store
from clicktrail.tracking.rows import COLUMNS
from clicktrail.tracking.sqlite_writer import FLAG_RETRY, REPLY, REQUEST
from clicktrail.tracking.unique import Pending, lookup_bounds, mark_unique

_GET = itemgetter(*COLUMNS)
_I_CREATED = COLUMNS.index("created_at")
_I_REVENUE = COLUMNS.index("revenue")
_I_PAYOUT = COLUMNS.index("payout")
_I_QUERY = COLUMNS.index("query_parameters")
#: When the SQLite writer process is started after the server (it is also started on demand).
PRESTART_SECONDS = 2.0
PIPE_BYTES = 1 << 20


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


def _widen_pipe(process: asyncio.subprocess.Process) -> None:
    """A 1 MiB pipe to the writer process: a whole batch in one write() (Linux only)."""
    transport = process.stdin.transport if process.stdin is not None else None
    pipe = transport.get_extra_info("pipe") if transport is not None else None
    set_size = getattr(fcntl, "F_SETPIPE_SZ", None)
    if pipe is None or set_size is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), set_size, PIPE_BYTES)


class ChildDataError(Exception):
    """The SQLite writer process refused the rows themselves."""


class ChildDatabaseError(Exception):
    """The SQLite writer process could not write (lock timeout, disk, I/O)."""


class SqliteProcessSink:
    """Batches go to the SQLite writer process (clicktrail/tracking/sqlite_writer.py).

    The process is started on the first batch (a server that never tracks a click never
    starts it) and again after it died.
    """

    dialect = "sqlite"

    def __init__(self, path: Path, synchronous: str = "FULL") -> None:
        self.path = path
        self.synchronous = synchronous
        self.process: asyncio.subprocess.Process | None = None
        self._spawning = asyncio.Lock()
        self._prestart: asyncio.TimerHandle | None = None
        self._prestart_task: asyncio.Task[Any] | None = None

    async def open(self) -> None:
        """Start the writer process a little later, off the startup path.

        Its imports take about a second: started at once by every short-lived app (tests),
        it would cost more than it saves; started on the first click, that click would wait.
        """
        loop = asyncio.get_running_loop()
        self._prestart = loop.call_later(PRESTART_SECONDS, self._prestart_now)

    def _prestart_now(self) -> None:
        self._prestart_task = asyncio.ensure_future(self._spawn())

    async def _spawn(self) -> asyncio.subprocess.Process:
        async with self._spawning:
            process = self.process
            if process is not None and process.returncode is None:
                return process
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "clicktrail.tracking.sqlite_writer",
                str(self.path),
                self.synchronous,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=child_env(),
            )
            _widen_pipe(self.process)
            return self.process

    async def close(self) -> None:
        if self._prestart is not None:
            self._prestart.cancel()
            self._prestart = None
        if self._prestart_task is not None:
            await asyncio.gather(self._prestart_task, return_exceptions=True)
            self._prestart_task = None
        process, self.process = self.process, None
        if process is None:
            return
        await close_stdin_and_wait(process, 10)

    def is_data_error(self, exc: BaseException) -> bool:
        return isinstance(exc, ChildDataError | ValueError | TypeError)

    async def write(self, items: Sequence[Pending], *, retry: bool = False) -> None:
        process = await self._spawn()
        assert process.stdin is not None
        assert process.stdout is not None
        body = marshal.dumps(([_wire_record(i.row) for i in items], [i.window for i in items]))
        try:
            process.stdin.write(REQUEST.pack(len(body), FLAG_RETRY if retry else 0) + body)
            await process.stdin.drain()
            (size,) = REPLY.unpack(await process.stdout.readexactly(REPLY.size))
            status, result = marshal.loads(await process.stdout.readexactly(size))
        except (OSError, asyncio.IncompleteReadError) as exc:
            raise ChildDatabaseError(f"sqlite writer process failed: {exc!r}") from exc
        if status == "data":
            raise ChildDataError(result)
        if status != "ok":
            raise ChildDatabaseError(result)
        for item, unique in zip(items, result, strict=True):
            item.row["is_unique"] = unique


class PostgresSink:
    dialect = "postgresql"

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
