"""The conversion service: rules, pricing from the offer, refusals stored with their codes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from clicktrail.conversion.service import (
    ConversionDraft,
    Recorded,
    change_status,
    record,
    record_many,
)
from clicktrail.db import Database
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Click, Conversion
from tests.fixtures.factories import make_affiliate, make_click, make_offer

EVENTS = [
    {
        "event_id": 0,
        "entry_name": "Base",
        "payout_type": "cpa",
        "payout_amount": Decimal("5"),
        "revenue_type": "rpa",
        "revenue_amount": Decimal("8"),
        "is_default": True,
    },
    {
        "event_id": 7,
        "entry_name": "Sale",
        "event_alias": "sale",
        "payout_type": "cpa_cps",
        "payout_amount": Decimal("1"),
        "payout_percentage": Decimal("10"),
        "revenue_type": "rps",
        "revenue_percentage": Decimal("20"),
    },
]


async def _count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Conversion)) or 0)


async def _record(db: Database, draft: ConversionDraft) -> Conversion:
    async with db.write() as session:
        return (await record(session, draft)).conversion


async def test_click_conversion_is_priced_and_copies_click(db: Database) -> None:
    offer = await make_offer(db, payout_revenue=EVENTS)
    affiliate = await make_affiliate(db)
    click = await make_click(db, offer, affiliate, sub1="s1", source_id="src")
    conv = await _record(
        db, ConversionDraft(source="postback", transaction_id=click.transaction_id)
    )
    async with db.read() as session:
        row = await session.get(Conversion, conv.conversion_id)
        stored_click = await session.get(Click, click.transaction_id)
    assert row is not None
    assert stored_click is not None
    assert (row.status, row.error_code) == ("approved", 0)
    assert (row.payout, row.revenue) == (Decimal(5), Decimal(8))
    assert (row.payout_type, row.revenue_type) == ("cpa", "rpa")
    assert row.network_offer_id == offer.network_offer_id
    assert row.network_affiliate_id == affiliate.network_affiliate_id
    assert (row.sub1, row.source_id, row.country_code) == ("s1", "src", "US")
    assert row.click_at == click.created_at
    assert stored_click.has_conversion is True


async def test_event_pricing_cpa_cps_and_rps(db: Database) -> None:
    offer = await make_offer(db, payout_revenue=EVENTS)
    click = await make_click(db, offer, await make_affiliate(db))
    conv = await _record(
        db,
        ConversionDraft(
            source="postback",
            transaction_id=click.transaction_id,
            event_alias="sale",
            sale_amount=Decimal("200"),
        ),
    )
    assert conv.event_id == 7
    assert conv.is_event
    assert conv.payout == Decimal("21")  # 1 + 10% of 200
    assert conv.revenue == Decimal("40")  # 20% of 200


async def test_overrides_replace_computed_amounts(db: Database) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    conv = await _record(
        db,
        ConversionDraft(
            source="api",
            transaction_id=click.transaction_id,
            revenue=Decimal("3.5"),
            payout=Decimal("1.25"),
        ),
    )
    assert (conv.payout, conv.revenue) == (Decimal("1.25"), Decimal("3.5"))


async def test_second_conversion_for_same_click_and_event_is_rejected(db: Database) -> None:
    offer = await make_offer(db, payout_revenue=EVENTS)
    click = await make_click(db, offer, await make_affiliate(db))
    tid = click.transaction_id
    first = await _record(db, ConversionDraft(source="postback", transaction_id=tid))
    second = await _record(db, ConversionDraft(source="postback", transaction_id=tid))
    other_event = await _record(
        db, ConversionDraft(source="postback", transaction_id=tid, event_id=7)
    )
    assert first.status == "approved"
    assert (second.status, second.error_code, second.error_message) == (
        "rejected",
        8,
        "Duplicate Conversion",
    )
    assert other_event.status == "approved"
    assert await _count(db) == 3


async def test_duplicates_allowed_when_offer_says_so(db: Database) -> None:
    offer = await make_offer(db, is_allow_duplicate_conversion=True)
    click = await make_click(db, offer, await make_affiliate(db))
    drafts = [ConversionDraft(source="postback", transaction_id=click.transaction_id)] * 2
    async with db.write() as session:
        results = await record_many(session, drafts)
    assert [r.conversion.status for r in results] == ["approved", "approved"]


async def test_duplicate_within_one_batch_is_rejected(db: Database) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    drafts = [ConversionDraft(source="postback", transaction_id=click.transaction_id)] * 2
    async with db.write() as session:
        results = await record_many(session, drafts)
    assert [r.conversion.error_code for r in results] == [0, 8]


@pytest.mark.parametrize(
    ("age", "code"),
    [(timedelta(seconds=10), 20), (timedelta(hours=3), 5), (timedelta(minutes=5), 0)],
)
async def test_click_to_conversion_window(db: Database, age: timedelta, code: int) -> None:
    offer = await make_offer(
        db, min_click_to_conversion_seconds=60, max_click_to_conversion_seconds=7200
    )
    click = await make_click(db, offer, await make_affiliate(db), created_at=utcnow() - age)
    conv = await _record(
        db, ConversionDraft(source="postback", transaction_id=click.transaction_id)
    )
    assert conv.error_code == code
    assert conv.status == ("approved" if code == 0 else "rejected")


async def test_inactive_offer_is_stored_invalid(db: Database) -> None:
    offer = await make_offer(db, offer_status="paused")
    click = await make_click(db, offer, await make_affiliate(db))
    conv = await _record(db, ConversionDraft(source="api", transaction_id=click.transaction_id))
    assert (conv.status, conv.error_code, conv.error_message) == ("invalid", 18, "Inactive Offer")
    async with db.read() as session:
        stored = await session.get(Click, click.transaction_id)
    assert stored is not None
    assert stored.has_conversion is False


async def test_unknown_click_strict_raises_and_writes_nothing(db: Database) -> None:
    with pytest.raises(NotFound) as info:
        await _record(db, ConversionDraft(source="api", transaction_id="a" * 32))
    assert info.value.field == "transaction_id"
    assert await _count(db) == 0


async def test_unknown_click_lenient_is_stored_invalid(db: Database) -> None:
    bad = await _record(
        db, ConversionDraft(source="postback", transaction_id="nothex", strict=False)
    )
    missing = await _record(
        db, ConversionDraft(source="postback", transaction_id="b" * 32, strict=False)
    )
    assert (bad.status, bad.error_code) == ("invalid", 12)
    assert (missing.status, missing.error_code, missing.error_message) == (
        "invalid",
        13,
        "Invalid Click",
    )
    assert await _count(db) == 2


async def test_verification_token(db: Database) -> None:
    offer = await make_offer(db, verification_token="s3cret")
    affiliate = await make_affiliate(db)
    good = await make_click(db, offer, affiliate)
    bad = await make_click(db, offer, affiliate)
    ok = await _record(
        db,
        ConversionDraft(
            source="postback", transaction_id=good.transaction_id, verification_token="s3cret"
        ),
    )
    refused = await _record(
        db,
        ConversionDraft(
            source="postback", transaction_id=bad.transaction_id, verification_token=""
        ),
    )
    assert ok.error_code == 0
    assert (refused.status, refused.error_code) == ("invalid", 21)


async def test_order_id_idempotency(db: Database) -> None:
    offer = await make_offer(db, is_order_id_deduplicated=True, is_allow_duplicate_conversion=True)
    affiliate = await make_affiliate(db)
    click = await make_click(db, offer, affiliate)
    draft = ConversionDraft(source="postback", transaction_id=click.transaction_id, order_id="o-1")
    async with db.write() as session:
        first = await record(session, draft)
    async with db.write() as session:
        again = await record(session, draft)
    assert not first.replayed
    assert again.replayed
    assert again.conversion.conversion_id == first.conversion.conversion_id
    assert await _count(db) == 1


async def test_explicit_idempotency_key(db: Database) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    draft = ConversionDraft(
        source="referral",
        offer_id=offer.network_offer_id,
        affiliate_id=affiliate.network_affiliate_id,
        idempotency_key="evt_1",
        sale_amount=Decimal("10"),
    )
    async with db.write() as session:
        results = await record_many(session, [draft, draft])
    assert [r.replayed for r in results] == [False, True]
    assert results[0].conversion.transaction_id is None
    assert results[0].conversion.idempotency_key == "evt_1"
    assert await _count(db) == 1


async def test_manual_conversion_needs_known_affiliate_and_event(db: Database) -> None:
    offer = await make_offer(db)
    with pytest.raises(NotFound) as info:
        await _record(
            db, ConversionDraft(source="api", offer_id=offer.network_offer_id, affiliate_id=999)
        )
    assert info.value.field == "affiliate_id"
    affiliate = await make_affiliate(db)
    with pytest.raises(NotFound) as info:
        await _record(
            db,
            ConversionDraft(
                source="api",
                offer_id=offer.network_offer_id,
                affiliate_id=affiliate.network_affiliate_id,
                event_id=42,
            ),
        )
    assert info.value.field == "event_id"
    assert await _count(db) == 0


async def test_negative_amount_is_refused(db: Database) -> None:
    with pytest.raises(ValidationFailed) as info:
        await _record(db, ConversionDraft(source="api", offer_id=1, sale_amount=Decimal("-1")))
    assert info.value.field == "sale_amount"


async def test_change_status_records_manual_rejection(db: Database) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    conv = await _record(
        db, ConversionDraft(source="postback", transaction_id=click.transaction_id)
    )
    async with db.write() as session:
        changed = await change_status(session, [conv.conversion_id], "rejected")
    assert [c.status for c in changed] == ["rejected"]
    async with db.read() as session:
        row = await session.get(Conversion, conv.conversion_id)
    assert row is not None
    assert (row.status, row.error_code) == ("rejected", 9)
    async with db.write() as session:
        await change_status(session, [conv.conversion_id], "approved")
    async with db.read() as session:
        row = await session.get(Conversion, conv.conversion_id)
    assert row is not None
    assert (row.status, row.error_code) == ("approved", 0)
    with pytest.raises(NotFound):
        async with db.write() as session:
            await change_status(session, ["c" * 32], "approved")


async def test_concurrent_same_key_returns_the_committed_conversion(db: Database) -> None:
    """B decides while A's insert is uncommitted; B's insert waits on the unique key (or,
    on SQLite, B waits for the write lock), then B answers A's conversion as a replay."""
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    draft = ConversionDraft(
        source="referral",
        offer_id=offer.network_offer_id,
        affiliate_id=affiliate.network_affiliate_id,
        idempotency_key="evt-race",
    )
    async with db.write() as session_a:
        first = await record(session_a, draft)

        async def second() -> Recorded:
            async with db.write() as session_b:
                return await record(session_b, draft)

        task = asyncio.create_task(second())
        await asyncio.sleep(0.2)  # B is now waiting (unique index or write lock)
        assert not task.done()
    other = await asyncio.wait_for(task, timeout=30)
    assert other.replayed
    assert other.conversion.conversion_id == first.conversion.conversion_id
    assert await _count(db) == 1
