"""The console's offer page lists the offer's custom payout/revenue settings."""

from __future__ import annotations

import httpx

from clicktrail.db import Database
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.web import sign_in_as
from tests.offer.test_custom_endpoints import URL, setting_body


async def test_offer_page_lists_custom_settings(
    web_client: httpx.AsyncClient,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    db: Database,
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db, name="Zeta Partners")
    created = await client.post(
        URL,
        json=setting_body(
            offer.network_offer_id,
            name="Zeta deal",
            is_apply_all_affiliates=False,
            network_affiliate_ids=[affiliate.network_affiliate_id],
            payout_amount=12.34,
            date_valid_to="2099-12-31",
        ),
        headers=network_headers,
    )
    assert created.status_code == 200, created.text
    await sign_in_as(web_client, db, "manager")
    page = await web_client.get(f"/app/offers/{offer.network_offer_id}")
    assert page.status_code == 200, page.text
    section = page.text.split('id="custom-title"', 1)[1].split("</section>", 1)[0]
    for expected in ("Zeta deal", "Zeta Partners", "12.34", "2099-12-31 23:59", "active"):
        assert expected in section
    bare = await make_offer(db)
    empty = await web_client.get(f"/app/offers/{bare.network_offer_id}")
    assert "None: every affiliate earns the entries above." in empty.text
