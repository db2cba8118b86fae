"""The affiliate realm shows each affiliate its own effective payout (a custom setting for it,
or for all affiliates), never another affiliate's and never revenue."""

from __future__ import annotations

from decimal import Decimal

import httpx

from clicktrail.app import ClicktrailApp
from clicktrail.kit.paging import PageRequest
from clicktrail.offer.visibility import runnable_offer, runnable_offers
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.web import sign_in_as
from tests.offer.test_custom_endpoints import URL, setting_body


async def test_each_affiliate_sees_its_own_payout(
    app: ClicktrailApp,
    web_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
) -> None:
    db = app.state.db
    offer = await make_offer(db, name="Sunny Shoes")  # payout 5, revenue 8
    mine, other, third = [await make_affiliate(db) for _ in range(3)]
    oid = offer.network_offer_id
    for body in (
        setting_body(
            oid,
            payout_amount=6,
            is_custom_revenue_enabled=True,
            revenue_type="rpa",
            revenue_amount=77.77,
        ),
        setting_body(
            oid,
            is_apply_all_affiliates=False,
            network_affiliate_ids=[mine.network_affiliate_id],
            payout_amount=42.42,
        ),
        setting_body(
            oid,
            is_apply_all_affiliates=False,
            network_affiliate_ids=[other.network_affiliate_id],
            payout_amount=31.31,
        ),
    ):
        created = await client.post(URL, json=body, headers=network_headers)
        assert created.status_code == 200, created.text

    async with db.read() as session:
        for affiliate, expected in ((mine, "42.42"), (other, "31.31"), (third, "6")):
            found = await runnable_offer(session, affiliate.network_affiliate_id, oid)
            assert found.base_payout is not None
            assert found.base_payout.payout_amount == Decimal(expected)
        listed, _ = await runnable_offers(
            session, mine.network_affiliate_id, PageRequest(page=1, page_size=50)
        )
        assert [o.base_payout.payout_amount for o in listed if o.base_payout] == [Decimal("42.42")]

    await sign_in_as(web_client, db, "affiliate", affiliate_id=mine.network_affiliate_id)
    for path in ("/partner/offers", f"/partner/offers/{oid}"):
        page = await web_client.get(path)
        assert page.status_code == 200, page.text
        assert "42.42" in page.text
        for hidden in ("31.31", "77.77", "revenue"):
            assert hidden not in page.text.lower()
