"""Migration 0030 partitions a populated click table by day on PostgreSQL and its downgrade
puts every row back in a plain table; on SQLite both are no-ops that keep the rows."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, select, text

from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.migrations import downgrade, upgrade
from clicktrail.models import Click

_CLICK = cast(Table, Click.__table__)


def _row(transaction_id: str, created_at: datetime, *, converted: bool = False) -> dict[str, Any]:
    # Every row names the same keys: an executemany binds the first row's keys only.
    return {"transaction_id": transaction_id, "created_at": created_at, "has_conversion": converted}


async def _seed(url: str, rows: list[dict[str, Any]]) -> None:
    db = Database(url)
    try:
        async with db.write() as session:
            await session.execute(insert(_CLICK), rows)
    finally:
        await db.dispose()


async def _homes(url: str) -> dict[str, str]:
    """Transaction id -> the table holding it (``click`` on a plain table)."""
    db = Database(url)
    try:
        async with db.read() as session:
            if db.is_sqlite:
                ids = (await session.execute(select(_CLICK.c.transaction_id))).scalars()
                return dict.fromkeys(ids, "click")
            result = await session.execute(
                text("SELECT transaction_id, tableoid::regclass::text FROM click")
            )
            return {row[0]: row[1] for row in result}
    finally:
        await db.dispose()


def test_upgrade_moves_rows_into_day_partitions_and_downgrade_back(empty_url: str) -> None:
    upgrade(empty_url, "0025")
    now = utcnow()
    old = now - timedelta(days=20)
    ancient = now - timedelta(days=500)
    rows = [
        _row("a" * 32, now),
        _row("b" * 32, old),
        _row("c" * 32, old + timedelta(minutes=1)),
        _row("d" * 32, ancient, converted=True),
    ]
    asyncio.run(_seed(empty_url, rows))

    upgrade(empty_url)
    homes = asyncio.run(_homes(empty_url))
    assert set(homes) == {row["transaction_id"] for row in rows}
    if "postgresql" in empty_url:
        assert homes["a" * 32] == f"click_p{now:%Y%m%d}"
        assert homes["b" * 32] == homes["c" * 32] == f"click_p{old:%Y%m%d}"
        assert homes["d" * 32] == "click_default"  # a converted click only: no partition
    else:
        assert set(homes.values()) == {"click"}

    downgrade(empty_url, "0025")
    assert asyncio.run(_homes(empty_url)) == {row["transaction_id"]: "click" for row in rows}
    upgrade(empty_url)
    assert set(asyncio.run(_homes(empty_url))) == {row["transaction_id"] for row in rows}
