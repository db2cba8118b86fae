"""Alembic environment: async engines for SQLite and PostgreSQL alike."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import pool, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from clicktrail.db import sqlite_path
from clicktrail.models import Base

target_metadata = Base.metadata
#: PostgreSQL advisory lock held while migrating.
MIGRATION_LOCK = 7409


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Several hosts starting at once on one database: one migrates, the others wait
            # here and then find the schema at head (ADR 0109). The lock ends with the
            # migration's transaction.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


async def _run_async(url: str) -> None:
    engine = create_async_engine(url, poolclass=pool.NullPool)
    async with engine.connect() as conn:
        await conn.run_sync(_run)
        await conn.commit()
    await engine.dispose()


def run_migrations_online() -> None:
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None
    from sqlalchemy.engine import make_url

    path = sqlite_path(make_url(url))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(_run_async(url))


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported")
run_migrations_online()
