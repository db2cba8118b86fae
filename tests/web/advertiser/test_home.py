"""The advertiser's read-only page: its own offers' clicks, conversions and revenue; never
another advertiser's offers, the affiliates' payouts or names; other areas are 403."""

from __future__ import annotations

from decimal import Decimal

import httpx

from clicktrail.app import ClicktrailApp
from clicktrail.click.service import record_click
from tests.fixtures.factories import make_advertiser, make_affiliate, make_offer
from tests.fixtures.web import sign_in_as


async def test_advertiser_sees_its_offers_revenue_only(
    app: ClicktrailApp, web_client: httpx.AsyncClient
) -> None:
    db = app.state.db
    mine = await make_advertiser(db, name="Acme Shoes Co")
    other = await make_advertiser(db, name="Other Brand")
    entries = [
        {
            "event_id": 0,
            "payout_type": "cpa",
            "payout_amount": Decimal("4.25"),
            "revenue_type": "rpa",
            "revenue_amount": Decimal("91.37"),
            "is_default": True,
        }
    ]
    offer = await make_offer(
        db, advertiser_id=mine.network_advertiser_id, name="Acme Runner", payout_revenue=entries
    )
    other_offer = await make_offer(
        db, advertiser_id=other.network_advertiser_id, name="Rival Widget"
    )
    affiliate = await make_affiliate(db, name="Secret Partner LLC")
    tid = await record_click(app.state, offer.network_offer_id, affiliate.network_affiliate_id)
    await record_click(app.state, other_offer.network_offer_id, affiliate.network_affiliate_id)
    converted = await web_client.get("/", params={"nid": "1", "transaction_id": tid})
    assert converted.status_code == 200

    await sign_in_as(web_client, db, "advertiser", advertiser_id=mine.network_advertiser_id)
    home = await web_client.get("/advertiser/")
    assert home.status_code == 200
    html = home.text
    assert "Acme Runner" in html
    assert "91.37" in html
    assert "Rival Widget" not in html
    assert "4.25" not in html
    assert "Secret Partner LLC" not in html
    assert "payout" not in html.lower()
    for path in ("/partner/", "/partner/offers", "/app/offers"):
        assert (await web_client.get(path)).status_code in (403, 404), path
