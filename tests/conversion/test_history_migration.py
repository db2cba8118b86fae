"""Migration 0026 builds the conversion history table its model describes, on both engines."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

from clicktrail.db import Database
from clicktrail.models import Base


def _history_diffs(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    return [d for d in compare_metadata(context, Base.metadata) if "conversion_change" in repr(d)]


async def test_the_migrated_table_matches_the_model(db: Database) -> None:
    async with db.engine.connect() as conn:
        assert await conn.run_sync(_history_diffs) == []
