"""Pooled connections (ADR 0113): no ping per checkout on PostgreSQL, yet a connection the
server closed is replaced before a session gets it."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from clicktrail.db import POOL_SIZE, Database


async def test_a_connection_the_server_closed_is_replaced_not_handed_out(
    database_url: str,
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL closes server-side connections; SQLite has none")
    db = Database(database_url)
    try:
        async with db.read() as session:
            pid = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        dsn = make_url(database_url).set(drivername="postgresql")
        admin = await asyncpg.connect(dsn.render_as_string(hide_password=False))
        try:
            assert await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", pid)
        finally:
            await admin.close()
        await asyncio.sleep(0.05)  # the loop reads the closed socket
        async with db.read() as session:
            fresh = (await session.execute(text("SELECT pg_backend_pid()"))).scalar_one()
        assert fresh != pid
    finally:
        await db.dispose()


async def test_concurrent_sessions_up_to_the_pool_size_reuse_their_connections(
    database_url: str,
) -> None:
    db = Database(database_url)
    opened: list[object] = []
    event.listen(db.engine.sync_engine, "connect", lambda conn, _rec: opened.append(conn))

    async def one() -> None:
        async with db.read() as session:
            await session.execute(text("SELECT 1"))
            await asyncio.sleep(0.01)

    try:
        for _ in range(3):
            await asyncio.gather(*(one() for _ in range(POOL_SIZE)))
        assert len(opened) == POOL_SIZE  # opened once, kept, reused
    finally:
        await db.dispose()
