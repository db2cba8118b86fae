"""Conversion caps: refused with Everflow's code 4 past a hard cap, never a postback, exact."""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.caps import periods, repository
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import record_many
from clicktrail.db import Database
from clicktrail.meta.timezones import zone_for
from clicktrail.models import CapCounter, PostbackDelivery
from tests.caps.helpers import add_custom, postbacks, set_caps, set_timezone, stored
from tests.fixtures.factories import make_affiliate, make_click, make_offer
from tests.postback.conftest import add_pixel


async def test_conversions_past_the_cap_are_refused_and_fire_no_postback(db: Database) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    await add_pixel(
        db,
        network_affiliate_id=affiliate.network_affiliate_id,
        postback_url="https://partner.example/pb?tid={transaction_id}",
    )
    await set_caps(db, offer, daily_conversion_cap=2)

    first = await postbacks(db, offer, affiliate, 3)
    second = await postbacks(db, offer, affiliate, 1)

    statuses = [(c.status, c.error_code, c.error_message) for c in first + second]
    assert statuses == [
        ("approved", 0, ""),
        ("approved", 0, ""),
        ("rejected", 4, "Over Caps"),
        ("rejected", 4, "Over Caps"),
    ]
    async with db.read() as session:
        fired = set(await session.scalars(select(PostbackDelivery.conversion_id)))
    assert fired == {first[0].conversion_id, first[1].conversion_id}


async def test_payout_caps_count_money_and_soft_custom_caps_only_report(db: Database) -> None:
    offer = await make_offer(db)  # payout 5, revenue 8 per conversion
    soft = await make_affiliate(db)
    hard = await make_affiliate(db)
    await set_caps(db, offer, monthly_payout_cap=Decimal("100"))
    await add_custom(db, offer, soft, is_soft_cap=True, daily_conversion_cap=1)
    await add_custom(db, offer, hard, global_revenue_cap=Decimal("16"))

    soft_ones = await postbacks(db, offer, soft, 3)
    hard_ones = await postbacks(db, offer, hard, 3)

    assert [c.status for c in soft_ones] == ["approved"] * 3  # a soft cap refuses nothing
    assert [c.error_code for c in hard_ones] == [0, 0, 4]  # 8 + 8 = 16 of revenue, then over
    async with db.read() as session:
        offer_wide = await session.scalar(
            select(CapCounter.payout).where(
                CapCounter.network_offer_id == offer.network_offer_id,
                CapCounter.network_affiliate_id == 0,
                CapCounter.period == "m",
            )
        )
    assert offer_wide == Decimal(25)  # five approved conversions at 5


async def test_offers_without_caps_keep_no_counters(db: Database) -> None:
    offer = await make_offer(db, daily_conversion_cap=1)  # caps not enabled: ignored
    affiliate = await make_affiliate(db)
    assert [c.status for c in await postbacks(db, offer, affiliate, 2)] == ["approved"] * 2
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(CapCounter)) == 0


def test_periods_start_at_local_midnight_in_the_network_timezone() -> None:
    new_york = zone_for(80)
    # 03:00 UTC on Tuesday 1 December is still Monday 30 November in New York.
    late = periods.starts(datetime(2026, 12, 1, 3, 0, tzinfo=UTC), new_york)
    assert late == {
        "daily": date(2026, 11, 30),
        "weekly": date(2026, 11, 30),
        "monthly": date(2026, 11, 1),
        "global": periods.GLOBAL_START,
    }
    after = periods.starts(datetime(2026, 12, 1, 5, 0, tzinfo=UTC), new_york)
    assert (after["daily"], after["monthly"]) == (date(2026, 12, 1), date(2026, 12, 1))
    boundary = periods.next_boundary(datetime(2026, 12, 1, 3, 0, tzinfo=UTC), new_york)
    assert boundary.astimezone(UTC) == datetime(2026, 12, 1, 5, 0, tzinfo=UTC)


async def test_a_new_day_in_the_network_timezone_starts_a_new_count(db: Database) -> None:
    await set_timezone(db, 80)
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    await set_caps(db, offer, daily_conversion_cap=1)
    today = periods.starts(datetime.now(UTC), zone_for(80))["daily"]
    async with db.write() as session:  # yesterday (New York time) is full
        session.add(
            CapCounter(
                network_offer_id=offer.network_offer_id,
                network_affiliate_id=0,
                period="d",
                period_start=today - timedelta(days=1),
                conversions=1,
            )
        )
    assert [c.error_code for c in await postbacks(db, offer, affiliate, 2)] == [0, 4]
    async with db.read() as session:
        days = dict(
            (
                await session.execute(
                    select(CapCounter.period_start, CapCounter.conversions).where(
                        CapCounter.period == "d"
                    )
                )
            ).all()
        )
    assert days == {today - timedelta(days=1): 1, today: 1}


async def test_concurrent_batches_never_approve_past_the_cap(db: Database) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    await set_caps(db, offer, daily_conversion_cap=10)
    clicks = [await make_click(db, offer, affiliate) for _ in range(64)]

    async def batch(part: list[str]) -> None:
        drafts = [
            ConversionDraft(source="postback", transaction_id=tid, strict=False) for tid in part
        ]
        async with db.write() as session:
            await record_many(session, drafts, bulk=True)

    tids = [c.transaction_id for c in clicks]
    await asyncio.gather(*(batch(tids[i : i + 4]) for i in range(0, len(tids), 4)))

    rows = await stored(db)
    assert len(rows) == 64
    assert sum(1 for r in rows if r.status == "approved") == 10
    assert sum(1 for r in rows if r.error_code == 4) == 54


async def test_caps_are_read_once_per_cache_generation(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    await set_caps(db, offer, daily_conversion_cap=1)
    reads: list[Collection[int]] = []
    read_caps = repository.offer_caps

    async def _counted(session: AsyncSession, offer_ids: Collection[int]) -> list[Any]:
        reads.append(offer_ids)
        return await read_caps(session, offer_ids)

    monkeypatch.setattr(repository, "offer_caps", _counted)
    assert [c.error_code for c in await postbacks(db, offer, affiliate, 2)] == [0, 4]
    assert [c.error_code for c in await postbacks(db, offer, affiliate, 1)] == [4]
    assert len(reads) == 1
    # Raising the cap moves the cache generation: the next batch reads it again.
    await set_caps(db, offer, daily_conversion_cap=3)
    assert [c.error_code for c in await postbacks(db, offer, affiliate, 3)] == [0, 0, 4]
    assert len(reads) == 2
