"""Offers' payout and revenue amounts share kit.money's bound."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.models import Offer
from tests.fixtures.factories import make_advertiser
from tests.offer.test_endpoints import URL, offer_body


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({"payout_amount": 9300000000000}, "payout_amount"),
        ({"revenue_amount": "1000000000.000001"}, "revenue_amount"),
        ({"revenue_amount": "١٢"}, "revenue_amount"),
        ({"payout_amount": "Infinity"}, "payout_amount"),
        ({"payout_amount": 1.0000001}, "payout_amount"),
    ],
)
async def test_offer_amount_outside_the_bound_is_400(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    entry: dict[str, Any],
    field: str,
) -> None:
    advertiser = await make_advertiser(db)
    body = offer_body(advertiser.network_advertiser_id)
    body["payout_revenue"][0].update(entry)
    response = await client.post(URL, json=body, headers=network_headers)
    assert response.status_code == 400, response.text
    error = response.json()
    assert field in error["Error"]
    assert error["Error"] == error["error"]
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Offer)) == 0


async def test_offer_amount_at_the_bound_is_kept_exactly(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    advertiser = await make_advertiser(db)
    body = offer_body(advertiser.network_advertiser_id)
    body["payout_revenue"][0]["revenue_amount"] = "999999999.999999"
    response = await client.post(URL, json=body, headers=network_headers)
    assert response.status_code == 200, response.text
    entry = response.json()["relationship"]["payout_revenue"]["entries"][0]
    assert entry["revenue_amount"] == 999999999.999999
