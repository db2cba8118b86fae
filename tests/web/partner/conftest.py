"""Two affiliates with traffic, conversions and pixels, and an affiliate user signed in as
the first: what every partner-portal test compares the pages against."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import httpx
import pytest

from clicktrail.app import ClicktrailApp
from clicktrail.click.service import record_click
from clicktrail.models import Affiliate, Offer, Pixel
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.web import sign_in_as
from tests.postback.conftest import add_pixel, sink  # noqa: F401  (the loopback sink fixture)

#: Money the network earns on the offer: it must never reach a partner page.
REVENUE = Decimal("91.37")
PAYOUT = Decimal("4.25")


@dataclass
class Portal:
    mine: Affiliate
    other: Affiliate
    offer: Offer
    private_offer: Offer
    my_pixel: Pixel
    other_pixel: Pixel
    my_conversion: str
    other_conversion: str


async def _convert(client: httpx.AsyncClient, transaction_id: str) -> str:
    response = await client.get("/", params={"nid": "1", "transaction_id": transaction_id})
    assert response.status_code == 200, response.text
    conversion_id: str = response.json()["conversion_id"]
    return conversion_id


@pytest.fixture
async def portal(app: ClicktrailApp, web_client: httpx.AsyncClient) -> Portal:
    db = app.state.db
    entries = [
        {
            "event_id": 0,
            "entry_name": "Base",
            "payout_type": "cpa",
            "payout_amount": PAYOUT,
            "revenue_type": "rpa",
            "revenue_amount": REVENUE,
            "is_default": True,
        }
    ]
    offer = await make_offer(db, name="Sunny Shoes", payout_revenue=entries)
    private_offer = await make_offer(db, name="Hidden Vault Offer", visibility="private")
    mine = await make_affiliate(db, name="Alpha Media")
    other = await make_affiliate(db, name="Bravo Traffic")
    oid = offer.network_offer_id
    mine_click = await record_click(
        app.state, oid, mine.network_affiliate_id, {"sub1": "alpha-sub", "sub2": "a2"}
    )
    other_click = await record_click(
        app.state, oid, other.network_affiliate_id, {"sub1": "bravo-sub"}
    )
    await record_click(app.state, oid, mine.network_affiliate_id, {"sub1": "alpha-sub"})
    my_pixel = await add_pixel(
        db,
        network_affiliate_id=mine.network_affiliate_id,
        postback_url="https://alpha.example/pb?tid={transaction_id}",
    )
    other_pixel = await add_pixel(
        db,
        network_affiliate_id=other.network_affiliate_id,
        postback_url="https://bravo-secret.example/pb?tid={transaction_id}",
    )
    return Portal(
        mine=mine,
        other=other,
        offer=offer,
        private_offer=private_offer,
        my_pixel=my_pixel,
        other_pixel=other_pixel,
        my_conversion=await _convert(web_client, mine_click),
        other_conversion=await _convert(web_client, other_click),
    )


@pytest.fixture
async def partner(
    app: ClicktrailApp, web_client: httpx.AsyncClient, portal: Portal
) -> httpx.AsyncClient:
    """The web client, signed in as an affiliate user of ``portal.mine``."""
    await sign_in_as(
        web_client, app.state.db, "affiliate", affiliate_id=portal.mine.network_affiliate_id
    )
    return web_client
