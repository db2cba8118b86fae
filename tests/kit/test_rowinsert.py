"""RowInserter stores exactly what SQLAlchemy's own insert stores, on both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Column, Integer, MetaData, Numeric, String, Table, select

from clicktrail.db import Database
from clicktrail.kit.rowinsert import RowInserter
from clicktrail.models.base import UTCDateTime

metadata = MetaData()
sample = Table(
    "kit_rowinsert_sample",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(20)),
    Column("at", UTCDateTime()),
    Column("later", UTCDateTime()),
    Column("amount", Numeric(20, 6, asdecimal=True)),
    Column("flag", Boolean),
    Column("extra", JSON),
)

MOMENT = datetime(2026, 11, 21, 10, 30, 15, 123456, tzinfo=UTC)


def _rows(start: int) -> list[dict[str, Any]]:
    return [
        {
            "id": start + i,
            "name": f"n{i}",
            "at": MOMENT,  # shared by every row: converted once
            # the same instant in another zone, then distinct values, then none
            "later": (
                MOMENT.astimezone(timezone(timedelta(hours=5)))
                if i == 0
                else (MOMENT + timedelta(seconds=i) if i < 3 else None)
            ),
            "amount": Decimal("19.905") if i % 2 else Decimal("0"),
            "flag": bool(i % 2),
            "extra": {"k": [i, "v"]} if i % 2 else None,
        }
        for i in range(4)
    ]


async def _read(db: Database, low: int, high: int) -> list[tuple[Any, ...]]:
    async with db.read() as session:
        found = await session.execute(
            select(*(c for c in sample.c if c.name != "id"))
            .where(sample.c.id >= low, sample.c.id < high)
            .order_by(sample.c.id)
        )
        return [tuple(row) for row in found.all()]


@pytest.fixture
async def table(db: Database) -> AsyncIterator[Table]:
    """The sample table, dropped afterwards (schema checks must not meet it)."""
    async with db.write() as session:
        connection = await session.connection()
        await connection.run_sync(metadata.create_all)
    yield sample
    async with db.write() as session:
        connection = await session.connection()
        await connection.run_sync(metadata.drop_all)


@pytest.mark.usefixtures("table")
async def test_rows_read_back_as_core_inserts_them(db: Database) -> None:
    async with db.write() as session:
        await session.execute(sample.insert(), _rows(0))
    async with db.write() as session:
        await RowInserter(sample).insert(session, _rows(100))
        await RowInserter(sample).insert(session, [])
    core, ours = await _read(db, 0, 100), await _read(db, 100, 200)
    assert ours == core
    assert ours[0][1] == MOMENT
    assert ours[0][2] == MOMENT
    assert ours[1][3] == Decimal("19.905")
    assert ours[1][5] == {"k": [1, "v"]}
    assert ours[3][2] is None


@pytest.mark.usefixtures("table")
async def test_a_missing_column_fails_before_anything_is_written(db: Database) -> None:
    row = _rows(200)[0]
    del row["extra"]
    with pytest.raises(KeyError):
        async with db.write() as session:
            await RowInserter(sample).insert(session, [_rows(300)[0], row])
    assert await _read(db, 200, 400) == []
