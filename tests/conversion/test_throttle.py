"""Conversion throttles: the share held back, stored rejected with code 1, no postbacks."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from clicktrail.conversion import throttle
from clicktrail.conversion.service import ConversionDraft, record_many
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Conversion, ConversionThrottle, Pixel, PostbackDelivery
from tests.fixtures.factories import make_affiliate, make_click, make_offer

N = 400


async def _throttle(db: Database, offer_id: int, affiliate_id: int, percentage: str) -> None:
    now = utcnow()
    async with db.write() as session:
        session.add(
            ConversionThrottle(
                network_offer_id=offer_id,
                network_affiliate_id=affiliate_id,
                throttle_percentage=Decimal(percentage),
                time_created=now,
                time_saved=now,
            )
        )


def test_hashed_decision_is_stable_and_close_to_the_share() -> None:
    keys = [f"key-{i}" for i in range(10_000)]
    held = [throttle.holds_back(Decimal(25), key) for key in keys]
    assert held == [throttle.holds_back(Decimal(25), key) for key in keys]
    assert 0.23 < sum(held) / len(keys) < 0.27
    assert not throttle.holds_back(Decimal(0), "x")
    assert throttle.holds_back(Decimal(100), "x")
    shares = {(1, 0): Decimal(10), (1, 7): Decimal(0)}
    assert throttle.share(shares, 1, 7) == 0  # the affiliate's own throttle wins
    assert throttle.share(shares, 1, 8) == 10
    assert throttle.share(shares, 2, 7) == 0


async def test_throttled_share_is_rejected_with_code_1_and_sends_no_postback(
    db: Database,
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    spared = await make_affiliate(db)
    oid, affid = offer.network_offer_id, affiliate.network_affiliate_id
    await _throttle(db, oid, 0, "30")
    await _throttle(db, oid, spared.network_affiliate_id, "0")
    now = utcnow()
    async with db.write() as session:
        session.add(
            Pixel(
                network_affiliate_id=affid,
                postback_url="https://affiliate.example/pb?tid={transaction_id}",
                time_created=now,
                time_saved=now,
            )
        )
    drafts = [
        ConversionDraft(
            source="api", offer_id=oid, affiliate_id=affid, idempotency_key=f"order-{i}"
        )
        for i in range(N)
    ]
    click = await make_click(db, offer, spared)
    drafts.append(ConversionDraft(source="postback", transaction_id=click.transaction_id))
    async with db.write() as session:
        recorded = await record_many(session, drafts)
    held = [r.conversion for r in recorded if r.conversion.error_code == 1]
    assert 0.25 * N < len(held) < 0.35 * N
    assert {(c.status, c.error_message) for c in held} == {("rejected", "Throttled")}
    assert recorded[-1].conversion.error_code == 0  # the spared affiliate's own 0 %
    async with db.read() as session:
        stored = await session.scalar(
            select(func.count()).select_from(Conversion).where(Conversion.error_code == 1)
        )
        sent_for = set((await session.scalars(select(PostbackDelivery.conversion_id))).all())
    assert stored == len(held)
    assert not sent_for & {c.conversion_id for c in held}
    assert len(sent_for) == N - len(held)
