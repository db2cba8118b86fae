"""The demo network goes through the API's services and reads back through the API."""

from __future__ import annotations

import httpx

from clicktrail.db import Database
from clicktrail.demo import is_empty, seed


async def test_demo_network_is_served_by_the_api(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    async with db.write() as session:
        assert await is_empty(session)
        demo = await seed(session)
    async with db.read() as session:
        assert not await is_empty(session)

    offers = (await client.get("/v1/networks/offers", headers=network_headers)).json()
    assert offers["paging"]["total_count"] == 5
    types = {
        entry["payout_type"]
        for offer in offers["offers"]
        for entry in offer["relationship"]["payout_revenue"]["entries"]
    }
    assert types == {"cpa", "cps", "cpa_cps", "prv", "cpc"}
    statuses = {offer["offer_status"] for offer in offers["offers"]}
    assert statuses == {"active", "paused"}

    affiliates = (await client.get("/v1/networks/affiliates", headers=network_headers)).json()
    assert affiliates["affiliates"][3]["referrer_id"] == demo.affiliate_ids[0]
    # The printed affiliate key is an affiliate-realm key: the network API refuses it.
    refused = await client.get(
        "/v1/networks/offers", headers={"X-Eflow-API-Key": demo.affiliate_key}
    )
    assert refused.status_code == 403
