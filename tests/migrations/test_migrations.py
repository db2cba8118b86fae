"""The migration chain on SQLite and PostgreSQL: upgrade twice, downgrade to base, upgrade
again; the entity tables then match their models (checked on that schema rather than on
a second upgrade of its own)."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from clicktrail.migrations import downgrade, upgrade
from clicktrail.models import Base

#: Tables owned by the foundation's entity work (other domains test their own).
ENTITY_TABLES = {"network", "advertiser", "affiliate", "offer", "offer_payout_revenue", "api_key"}


def _inspect(url: str, work: Any) -> Any:
    async def _main() -> Any:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as conn:
                return await conn.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(_main())


def _tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names()) - {"alembic_version"}


def _version(conn: Connection) -> str | None:
    if "alembic_version" not in inspect(conn).get_table_names():
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _entity_diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    diffs = compare_metadata(context, Base.metadata)

    def table_of(diff: Any) -> str | None:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:]:
            name = getattr(part, "name", None)
            table = getattr(part, "table", None)
            if table is not None and getattr(table, "name", None):
                return str(table.name)
            if isinstance(part, str) and part in ENTITY_TABLES:
                return part
            if name in ENTITY_TABLES and item[0] in ("add_table", "remove_table"):
                return str(name)
        return None

    return [d for d in diffs if table_of(d) in ENTITY_TABLES]


def test_upgrade_downgrade_upgrade(empty_url: str) -> None:
    upgrade(empty_url)
    tables = _inspect(empty_url, _tables)
    assert tables >= ENTITY_TABLES
    head = _inspect(empty_url, _version)
    assert head is not None

    upgrade(empty_url)  # a no-op at head
    assert _inspect(empty_url, _tables) == tables
    assert _inspect(empty_url, _version) == head

    downgrade(empty_url, "base")
    assert _inspect(empty_url, _tables) == set()

    upgrade(empty_url)
    assert _inspect(empty_url, _tables) == tables
    network = _inspect(
        empty_url,
        lambda c: c.execute(text("SELECT network_id, timezone_id, currency_id FROM network")).all(),
    )
    assert [tuple(row) for row in network] == [(1, 67, "USD")]
    # The chain, run down and up again, leaves the entity tables as their models say.
    assert _inspect(empty_url, _entity_diff) == []
