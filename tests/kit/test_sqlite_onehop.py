"""The one-hop aiosqlite dialect (ADR 0113): same results and transactions as aiosqlite,
with one call on the connection's thread per statement and BEGIN sent with the first."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from clicktrail.db import Database
from clicktrail.kit.sqlite_onehop import OneHopConnection


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> Database:
    db = Database(f"sqlite+aiosqlite:///{tmp_path / 'onehop.db'}")
    async with db.write() as session:
        await session.execute(text("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    return db


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every call aiosqlite runs on a connection's thread, by function name."""
    made: list[str] = []
    real: Any = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kw: Any) -> Any:
        made.append(getattr(fn, "__name__", repr(fn)))
        return await real(self, fn, *args, **kw)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return made


async def test_a_read_transaction_with_one_query_is_two_calls(
    sqlite_db: Database, calls: list[str]
) -> None:
    async with sqlite_db.read() as session:
        await session.execute(text("SELECT 1"))  # the pool's connection is open now
    calls.clear()
    async with sqlite_db.read() as session:
        assert (await session.execute(text("SELECT 41 + 1"))).scalar_one() == 42
    # The statement (with BEGIN), the COMMIT; the pool's reset finds nothing to roll back.
    assert calls == ["_run", "commit"]
    calls.clear()
    async with sqlite_db.read():
        pass
    assert calls == []  # BEGIN was never sent, so nothing to end
    await sqlite_db.dispose()


async def test_rows_rowcount_lastrowid_and_executemany(sqlite_db: Database) -> None:
    async with sqlite_db.connect_write() as conn:
        inserted = await conn.execute(text("INSERT INTO item (name) VALUES ('a')"))
        assert inserted.lastrowid == 1
        await conn.execute(text("INSERT INTO item (name) VALUES (:n)"), [{"n": "b"}, {"n": "c"}])
        updated = await conn.execute(text("UPDATE item SET name = name || '!' WHERE id > 1"))
        assert updated.rowcount == 2
    async with sqlite_db.read() as session:
        rows = (await session.execute(text("SELECT id, name FROM item ORDER BY id"))).all()
    assert [tuple(r) for r in rows] == [(1, "a"), (2, "b!"), (3, "c!")]
    await sqlite_db.dispose()


async def test_a_failed_statement_rolls_back_its_whole_transaction(sqlite_db: Database) -> None:
    async def twice() -> None:
        async with sqlite_db.write() as session:
            await session.execute(text("INSERT INTO item (name) VALUES ('x')"))
            await session.execute(text("INSERT INTO item (name) VALUES ('x')"))

    with pytest.raises(IntegrityError):
        await twice()
    async with sqlite_db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0
    await sqlite_db.dispose()


async def test_a_write_transaction_holds_the_write_lock_from_its_first_statement(
    sqlite_db: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "onehop.db", timeout=0, isolation_level=None)
    try:
        async with sqlite_db.write() as session:
            await session.execute(text("SELECT 1"))  # BEGIN IMMEDIATE went with it
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # committed: free again
        other.execute("ROLLBACK")
    finally:
        other.close()
    await sqlite_db.dispose()


async def test_the_driver_connection_gets_the_deferred_begin_first(sqlite_db: Database) -> None:
    async def raw_then_fail() -> None:
        async with sqlite_db.write() as session:
            connection = await session.connection()
            raw = await connection.get_raw_connection()
            assert isinstance(raw.dbapi_connection, OneHopConnection)
            driver = await raw.dbapi_connection.driver()
            await driver.execute("INSERT INTO item (name) VALUES ('raw')")
            raise RuntimeError("roll it back")

    with pytest.raises(RuntimeError):
        await raw_then_fail()
    async with sqlite_db.read() as session:
        assert (await session.execute(text("SELECT count(*) FROM item"))).scalar_one() == 0
    await sqlite_db.dispose()
