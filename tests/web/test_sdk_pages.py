"""The SDK in the console and the portal: the advertiser's snippets on the offer page, and
an affiliate's direct link on an offer whose conversions come through the SDK."""

from __future__ import annotations

import html

import httpx

from clicktrail.db import Database
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.web import sign_in_as

LANDING = "https://shop.example/lp?tid={transaction_id}&lang=en"


async def test_console_shows_the_snippets(web_client: httpx.AsyncClient, db: Database) -> None:
    offer = await make_offer(db, destination_url=LANDING)
    await sign_in_as(web_client, db, "admin")
    page = await web_client.get(f"/app/offers/{offer.network_offer_id}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert '/scripts/main.js"></script>' in text
    assert f"EF.click({{\n  offer_id: {offer.network_offer_id}," in text
    assert "affiliate_id: EF.urlParameter('affid')" in text
    assert f"EF.conversion({{\n  offer_id: {offer.network_offer_id}," in text


async def test_portal_shows_a_direct_link_for_sdk_offers(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    sdk_offer = await make_offer(db, destination_url=LANDING, conversion_method="javascript")
    postback_offer = await make_offer(db, destination_url=LANDING)
    affiliate = await make_affiliate(db)
    await sign_in_as(web_client, db, "affiliate", affiliate_id=affiliate.network_affiliate_id)
    page = await web_client.get(f"/partner/offers/{sdk_offer.network_offer_id}?sub1=fb")
    assert page.status_code == 200
    expected = f"https://shop.example/lp?lang=en&affid={affiliate.network_affiliate_id}&sub1=fb"
    assert f'value="{html.escape(expected)}"' in page.text
    other = await web_client.get(f"/partner/offers/{postback_offer.network_offer_id}")
    assert other.status_code == 200
    assert "direct-link" not in other.text
