"""Read the cache generation (clicktrail/models/cache_generation.py) on the click path.

Every click asks :meth:`GenerationProbe.read` for the counter before it resolves its link, and
gets a value read by a query that *started after the click arrived*, so any API change
committed before the click is seen (ADR 0071):

* SQLite: a primary-key read of one row on a private ``sqlite3`` connection, on the event
  loop (WAL readers never wait for the writer). Clicks whose first step runs in the same
  loop iteration share one read (ADR 0111): the loop reads every socket before it runs the
  tasks this started, so a read made while those tasks run started after each of their
  requests was read; the value is forgotten by a callback queued behind them, before any
  task of a later request runs.
* PostgreSQL: one dedicated asyncpg connection; concurrent clicks share reads. A click that
  arrives while a read is in flight waits for the next read, which starts when that one
  ends, so one round trip serves every click that queued behind it.

A failed read returns None: the caller keeps the state it has (the click writer reports a
database that is really down).
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from pathlib import Path
from typing import Protocol

import asyncpg
import structlog
from sqlalchemy.engine import URL

from clicktrail.db import sqlite_path

log = structlog.get_logger("clicktrail.tracking.generation")

QUERY = "SELECT generation FROM cache_generation WHERE id = 1"


class GenerationProbe(Protocol):
    async def open(self) -> None: ...

    async def read(self) -> int | None: ...

    async def close(self) -> None: ...


class SqliteProbe:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn: sqlite3.Connection | None = None
        #: The value read in this loop iteration (None: read again).
        self._current: int | None = None

    async def open(self) -> None:
        # Autocommit: every SELECT sees the latest commit, no read transaction stays open.
        self.conn = sqlite3.connect(
            self.path, timeout=0.2, isolation_level=None, check_same_thread=False
        )

    async def read(self) -> int | None:
        current = self._current
        if current is not None:
            return current
        if self.conn is None:
            await self.open()
        assert self.conn is not None
        try:
            row = self.conn.execute(QUERY).fetchone()
        except sqlite3.Error:
            log.warning("cache_generation_read_failed", exc_info=True)
            return None
        current = self._current = int(row[0]) if row is not None else 0
        # Queued behind every ready callback: it runs before any request read after now
        # gets to run its first step.
        asyncio.get_running_loop().call_soon(self._forget)
        return current

    def _forget(self) -> None:
        self._current = None

    async def close(self) -> None:
        self._current = None
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class PostgresProbe:
    def __init__(self, url: URL) -> None:
        self.dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn: asyncpg.Connection | None = None
        #: The read the next callers wait for; it starts when the one in flight ends.
        self._next: asyncio.Future[int | None] | None = None
        self._runner: asyncio.Task[None] | None = None

    async def open(self) -> None:
        await self._connect()

    async def _connect(self) -> asyncpg.Connection | None:
        try:
            self.conn = await asyncpg.connect(self.dsn, timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError):
            log.warning("cache_generation_connect_failed", exc_info=True)
            self.conn = None
        return self.conn

    async def read(self) -> int | None:
        if self._next is None:
            self._next = asyncio.get_running_loop().create_future()
            if self._runner is None or self._runner.done():
                self._runner = asyncio.create_task(self._run(), name="cache-generation")
        return await asyncio.shield(self._next)

    async def _run(self) -> None:
        while self._next is not None:
            waiting, self._next = self._next, None
            value = await self._query()
            if not waiting.done():
                waiting.set_result(value)

    async def _query(self) -> int | None:
        conn = self.conn if self.conn is not None and not self.conn.is_closed() else None
        if conn is None:
            conn = await self._connect()
            if conn is None:
                return None
        try:
            value = await conn.fetchval(QUERY)
        except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
            log.warning("cache_generation_read_failed", exc_info=True)
            with contextlib.suppress(Exception):
                await conn.close()
            self.conn = None
            return None
        return int(value) if value is not None else 0

    async def close(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
            self._runner = None
        if self.conn is not None:
            with contextlib.suppress(Exception):
                await self.conn.close()
            self.conn = None


def probe_for(url: URL) -> GenerationProbe | None:
    """The probe for a database URL; None for an in-memory SQLite database."""
    if url.drivername.startswith("sqlite"):
        path = sqlite_path(url)
        return SqliteProbe(path) if path is not None else None
    return PostgresProbe(url)
