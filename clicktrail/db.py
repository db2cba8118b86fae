"""Engines and sessions. One request or task = one transaction, committed at its boundary.

SQLite runs in WAL mode with a busy timeout. Write transactions on SQLite start with
``BEGIN IMMEDIATE`` so two writers queue on the lock instead of failing on a read-to-write
upgrade; read transactions use a plain deferred ``BEGIN`` and never block the writer.
Before ``BEGIN IMMEDIATE`` a writer takes the database's write lock file
(:func:`write_lock_path`, shared by every clicktrail process on that file): writers queue
in the kernel and start as soon as the previous one commits, instead of polling in
SQLite's busy handler (ADR 0025).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from clicktrail.kit import sqlite_onehop
from clicktrail.kit.filelock import FileLock

IMMEDIATE = "clicktrail_immediate"
#: Connections kept open per engine (per process), and how long a PostgreSQL one lives.
POOL_SIZE = 32
RECYCLE_SECONDS = 1800


def sqlite_path(url: URL) -> Path | None:
    """The file behind a SQLite URL, or None for in-memory databases."""
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def write_lock_path(database: Path) -> Path:
    """The lock file every writer of this SQLite database takes before BEGIN IMMEDIATE."""
    return database.with_name(database.name + ".writelock")


def _install_sqlite_hooks(engine: AsyncEngine, synchronous: str) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        statement = "BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN"
        dbapi_conn = conn.connection.dbapi_connection
        if isinstance(dbapi_conn, sqlite_onehop.OneHopConnection):
            dbapi_conn.begin(statement)  # sent with the first statement
        else:
            conn.exec_driver_sql(statement)


def _install_liveness_check(engine: AsyncEngine) -> None:
    """Refuse a pooled PostgreSQL connection the server has closed (a restart, an idle
    timeout): the pool then opens a new one. asyncpg notices the closed socket as soon as the
    event loop reads it, so this costs no round trip, unlike a ping on every checkout."""

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_conn: Any, _record: Any, _proxy: Any) -> None:
        driver = getattr(dbapi_conn, "driver_connection", None)
        if driver is not None and driver.is_closed():
            raise DisconnectionError("the server closed this connection")


class Database:
    """Owns the engine and hands out sessions and connections."""

    def __init__(self, url: str, *, sqlite_synchronous: str = "FULL", echo: bool = False) -> None:
        self.url = make_url(url)
        self.is_sqlite = self.url.drivername.startswith("sqlite")
        # Room for every request in flight to hold a connection (ADR 0113); a connection over
        # the pool's size is closed when returned, so a busy server would reconnect all day.
        kwargs: dict[str, Any] = {"echo": echo, "pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}
        #: Taken around every write transaction on a SQLite file (None otherwise).
        self.write_lock: FileLock | None = None
        if self.is_sqlite:
            path = sqlite_path(self.url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                self.write_lock = FileLock(write_lock_path(path))
        else:
            kwargs.update(pool_recycle=RECYCLE_SECONDS)
        engine_url = self.url
        if self.url.drivername == "sqlite+aiosqlite":
            engine_url = self.url.set(drivername=f"sqlite+{sqlite_onehop.DRIVER}")
        self.engine: AsyncEngine = create_async_engine(engine_url, **kwargs)
        if self.is_sqlite:
            _install_sqlite_hooks(self.engine, sqlite_synchronous)
        else:
            _install_liveness_check(self.engine)
        self._write_engine = self.engine.execution_options(**{IMMEDIATE: True})
        self.read_sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        self.write_sessions = async_sessionmaker(self._write_engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return "sqlite" if self.is_sqlite else "postgresql"

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncSession]:
        """A session in a write transaction: committed on success, rolled back on error."""
        async with self._write_turn(), self.write_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def _write_turn(self) -> AsyncIterator[None]:
        if self.write_lock is None:
            yield
        else:
            async with self.write_lock.hold():
                yield

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncSession]:
        """A session for reads; rolled back at the end (nothing to commit)."""
        async with self.read_sessions() as session, session.begin():
            yield session

    @asynccontextmanager
    async def connect_write(self) -> AsyncIterator[AsyncConnection]:
        """A Core connection in a write transaction (bulk paths such as the click writer)."""
        async with self._write_turn(), self._write_engine.begin() as conn:
            yield conn

    async def ping(self) -> bool:
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception:
            return False
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()
