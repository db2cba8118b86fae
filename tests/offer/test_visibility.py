"""The offers an affiliate may run, and its payout-only view of them (ADR 0092)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clicktrail.db import Database
from clicktrail.errors import NotFound
from clicktrail.kit.paging import PageRequest
from clicktrail.offer.visibility import runnable_offer, runnable_offers
from tests.fixtures.factories import make_affiliate, make_offer

PAGE = PageRequest(page=1, page_size=50)


async def test_only_active_public_offers_are_runnable(db: Database) -> None:
    affiliate = await make_affiliate(db)
    public = await make_offer(db, name="Public Offer")
    await make_offer(db, name="Paused Offer", offer_status="paused")
    await make_offer(db, name="Private Offer", visibility="private")
    await make_offer(db, name="Approval Offer", visibility="require_approval")
    async with db.read() as session:
        rows, total = await runnable_offers(session, affiliate.network_affiliate_id, PAGE)
        assert [o.name for o in rows] == ["Public Offer"]
        assert total == 1
        found = await runnable_offer(
            session, affiliate.network_affiliate_id, public.network_offer_id
        )
        assert found.base_payout is not None
        assert found.base_payout.payout_amount == Decimal("5")


async def test_hidden_offers_and_inactive_affiliates_are_not_found(db: Database) -> None:
    affiliate = await make_affiliate(db)
    suspended = await make_affiliate(db, account_status="suspended")
    private = await make_offer(db, visibility="private")
    public = await make_offer(db)
    async with db.read() as session:
        with pytest.raises(NotFound):
            await runnable_offer(session, affiliate.network_affiliate_id, private.network_offer_id)
        with pytest.raises(NotFound):
            await runnable_offer(session, suspended.network_affiliate_id, public.network_offer_id)
        assert await runnable_offers(session, suspended.network_affiliate_id, PAGE) == ([], 0)


async def test_search_and_private_entries(db: Database) -> None:
    affiliate = await make_affiliate(db)
    await make_offer(db, name="Shoes 50% off")
    offer = await make_offer(
        db,
        name="Insurance Leads",
        payout_revenue=[
            {"event_id": 0, "payout_amount": Decimal("3"), "is_default": True},
            {"event_id": 7, "entry_name": "Hidden", "is_private": True},
            {"event_id": 8, "entry_name": "Signup", "payout_amount": Decimal("1.5")},
        ],
    )
    async with db.read() as session:
        rows, total = await runnable_offers(session, affiliate.network_affiliate_id, PAGE, "lead")
        assert total == 1
        assert rows[0].network_offer_id == offer.network_offer_id
        by_id, _ = await runnable_offers(
            session, affiliate.network_affiliate_id, PAGE, str(offer.network_offer_id)
        )
        assert [o.name for o in by_id] == ["Insurance Leads"]
        percent, _ = await runnable_offers(session, affiliate.network_affiliate_id, PAGE, "50%")
        assert [o.name for o in percent] == ["Shoes 50% off"]
    assert [(p.event_id, p.name) for p in rows[0].payouts] == [
        (0, "Base Conversion"),
        (8, "Signup"),
    ]
