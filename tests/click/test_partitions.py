"""Day partitions of clicks on PostgreSQL (ADR 0106): created ahead, a click lands in its
day's partition, retention drops a day whole and keeps its converted clicks, lookups by
transaction id still find them. On SQLite (a plain table) the maintenance is a no-op."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from clicktrail.app import ClicktrailApp
from clicktrail.click import partitions
from clicktrail.click.repository import get_click
from clicktrail.click.tasks import drop_expired_days, ensure_partitions, purge_expired
from clicktrail.conversion.repository import click_facts
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.tracking.txid import new_transaction_id
from tests.fixtures.factories import make_affiliate, make_click, make_offer


def _pg_only(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("only PostgreSQL partitions the click table")


async def _home(db: Database, transaction_id: str) -> str | None:
    """The partition holding the click."""
    async with db.read() as session:
        found = await session.scalar(
            text("SELECT tableoid::regclass::text FROM click WHERE transaction_id = :t"),
            {"t": transaction_id},
        )
    return None if found is None else str(found)


async def _days(db: Database) -> set[str]:
    async with db.engine.connect() as conn:
        return {day.isoformat() for day in await partitions.day_partitions(conn)}


async def test_sqlite_keeps_a_plain_table(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("the SQLite side of the partition maintenance")
    assert await ensure_partitions(db, 3) == []
    assert await drop_expired_days(db, utcnow().date()) == 0


async def test_partitions_are_created_ahead(db: Database) -> None:
    _pg_only(db)
    today = utcnow().date()
    # The migration and the start of the app created today and the next days.
    assert {(today + timedelta(days=n)).isoformat() for n in range(8)} <= await _days(db)
    far = today + timedelta(days=12)
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    early = await make_click(db, offer, affiliate, created_at=partitions.day_start(far))
    assert await _home(db, early.transaction_id) == partitions.DEFAULT  # no partition yet
    created = await ensure_partitions(db, 12)
    assert far in created
    assert far.isoformat() in await _days(db)
    # The click that arrived before its partition moved into it.
    assert await _home(db, early.transaction_id) == partitions.partition_name(far)
    assert await ensure_partitions(db, 12) == []


async def test_a_click_lands_in_its_day_partition(app: ClicktrailApp) -> None:
    db = app.state.db
    _pg_only(db)
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    now = utcnow()
    click = await make_click(
        db, offer, affiliate, transaction_id=new_transaction_id(now.timestamp()), created_at=now
    )
    assert await _home(db, click.transaction_id) == partitions.partition_name(now.date())
    async with db.read() as session:
        found = await get_click(session, click.transaction_id)
        facts = await click_facts(session, [click.transaction_id])
    assert found is not None
    assert found.created_at == click.created_at
    assert facts[click.transaction_id].network_offer_id == offer.network_offer_id


async def test_retention_drops_the_day_and_keeps_converted_clicks(db: Database) -> None:
    _pg_only(db)
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    old_day = utcnow().date() - timedelta(days=100)
    async with db.connect_write() as conn:
        assert await partitions.create_day(conn, old_day)
    start = partitions.day_start(old_day)
    raw = [
        await make_click(db, offer, affiliate, created_at=start + timedelta(hours=n))
        for n in range(3)
    ]
    converted = await make_click(
        db, offer, affiliate, created_at=start + timedelta(hours=5), has_conversion=True
    )
    recent = await make_click(db, offer, affiliate, created_at=utcnow() - timedelta(days=1))
    assert await _home(db, converted.transaction_id) == partitions.partition_name(old_day)

    assert await purge_expired(db, 90) == len(raw)

    assert old_day.isoformat() not in await _days(db)
    for click in raw:
        assert await _home(db, click.transaction_id) is None
    assert await _home(db, converted.transaction_id) == partitions.DEFAULT
    assert await _home(db, recent.transaction_id) is not None
    async with db.read() as session:
        kept = await get_click(session, converted.transaction_id)
        facts = await click_facts(session, [converted.transaction_id])
    assert kept is not None
    assert kept.has_conversion
    assert kept.created_at == converted.created_at
    assert facts[converted.transaction_id].created_at == converted.created_at
    assert await purge_expired(db, 90) == 0


async def test_a_busy_table_postpones_the_drop(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pg_only(db)
    monkeypatch.setattr(partitions, "LOCK_TIMEOUT", "100ms")
    old_day = utcnow().date() - timedelta(days=200)
    async with db.connect_write() as conn:
        await partitions.create_day(conn, old_day)
    async with db.engine.connect() as reader:  # a long report holding its read lock
        await reader.execute(text("SELECT count(*) FROM click"))
        assert await drop_expired_days(db, old_day + timedelta(days=1)) == 0
        assert old_day.isoformat() in await _days(db)
    assert await drop_expired_days(db, old_day + timedelta(days=1)) == 0  # empty day
    assert old_day.isoformat() not in await _days(db)
