"""The rollup tables the migrations create match their models, and migrations 0007 (entity x
dimension coarse cubes), 0008 (blocks) and 0011 (values by affiliate and by offer) backfill the days
and blocks compacted before them exactly as compaction and the late writers built them, on
SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from clicktrail.db import Database
from clicktrail.migrations import downgrade, upgrade
from clicktrail.models import Base
from clicktrail.models.rollup import (
    BLOCK,
    COARSE,
    DAY_COMPLETE_BEFORE,
    METRICS,
    TABLES,
    key_names,
)
from clicktrail.report.compaction import DAY
from tests.report.data import seed_traffic

#: The rows 0007, 0008 and 0011 create, by (cube, grain): new tables, and the coarse values
#: cube's empty-value rows.
NEW = [
    ("values", "hour"),
    ("values", "day"),
    *[
        (cube, grain)
        for cube in ("offer_country", "offer_device", "affiliate_country")
        for grain in ("hour", "day")
    ],
    ("affiliate_values", "day"),
    ("offer_values", "day"),
    *[(cube, BLOCK) for cube in COARSE],
]

Rows = dict[tuple[Any, ...], tuple[int, ...]]


async def _snapshot(url: str) -> dict[tuple[str, str], Rows]:
    """Every row of the new tables that lies before the compaction mark (the rows after it
    are late writers' only, which reports never read and compaction rebuilds)."""
    db = Database(url)
    try:
        async with db.read() as session:
            mark = (
                await session.execute(
                    text("SELECT value FROM rollup_state WHERE name = :n"),
                    {"n": DAY_COMPLETE_BEFORE},
                )
            ).scalar_one()
            out: dict[tuple[str, str], Rows] = {}
            for cube, grain in NEW:
                keys = ", ".join(key_names(cube, grain))
                end = "bucket + days * 86400" if grain == BLOCK else f"bucket + {GRAIN[grain]}"
                result = await session.execute(
                    text(
                        f"SELECT bucket, {keys}, {', '.join(METRICS)} "
                        f"FROM rollup_{cube}_{grain} WHERE {end} <= :mark"
                        + (" AND value = ''" if cube == "values" and grain != BLOCK else "")
                    ),
                    {"mark": mark},
                )
                width = 1 + len(key_names(cube, grain))
                out[(cube, grain)] = {
                    tuple(r[:width]): tuple(int(v) for v in r[width:]) for r in result
                }
            return out
    finally:
        await db.dispose()


GRAIN = {"hour": 3600, "day": DAY}


def test_backfill_matches_what_compaction_built(empty_url: str) -> None:
    upgrade(empty_url)

    async def seed() -> None:
        db = Database(empty_url)
        try:
            # 70 days, 66 of them compacted: blocks of every length, late writes on them.
            await seed_traffic(db, clicks=300, days=70, compacted=66)
        finally:
            await db.dispose()

    asyncio.run(seed())
    built = asyncio.run(_snapshot(empty_url))
    assert all(built[(cube, BLOCK)] for cube in COARSE)
    assert built[("values", "day")]  # the seed leaves sub1, sub2, city... empty at times
    assert {key[1] for key in built[("values", BLOCK)]} == {2, 4, 8, 16, 32}

    downgrade(empty_url, "0006")
    upgrade(empty_url)
    assert asyncio.run(_snapshot(empty_url)) == built
    # The rollup tables the chain left match their models (rows do not change the diff).
    assert asyncio.run(_diff(empty_url)) == []


def _rollup_diff(conn: Connection) -> list[Any]:
    context = MigrationContext.configure(conn, opts={"compare_type": True})
    names = {table.name for table in TABLES.values()}

    def touches(diff: Any) -> bool:
        item = diff[0] if isinstance(diff, list) else diff
        return any(
            getattr(part, "name", None) in names
            or getattr(getattr(part, "table", None), "name", None) in names
            or part in names
            for part in item[1:]
        )

    return [d for d in compare_metadata(context, Base.metadata) if touches(d)]


async def _diff(url: str) -> list[Any]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_rollup_diff)
    finally:
        await engine.dispose()
