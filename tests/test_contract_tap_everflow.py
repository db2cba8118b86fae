"""What tap-everflow (a third-party Singer tap) relies on, observed when it synced offers,
conversions and clicks: kept as our own contract (issue 15, "Done means")."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.models import Conversion
from tests.fixtures.factories import make_affiliate, make_click, make_offer

T0 = datetime(2026, 3, 2, 20, 0, 0, tzinfo=UTC)
WINDOW = {"from": "2026-03-02 00:00:00", "to": "2026-03-03 00:00:00", "timezone_id": 67}


async def test_timezones_are_public_and_ignore_unknown_parameters(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/v1/meta/timezones", params={"tap": "everflow", "page": "x"})
    assert response.status_code == 200
    assert {r["timezone_id"] for r in response.json()["timezones"]} >= {67, 80, 90}


async def test_click_stream_is_newest_first_and_ignores_unknown_parameters(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    made = [
        await make_click(db, offer, affiliate, created_at=T0 + timedelta(minutes=i))
        for i in range(3)
    ]
    response = await client.post(
        "/v1/networks/reporting/clicks/stream",
        params={"cursor": "abc", "page_size": "2"},
        json={**WINDOW, "sync_mode": "incremental", "query": {"filters": [], "extra": 1}},
        headers=network_headers,
    )
    assert response.status_code == 200, response.text
    got = [c["transaction_id"] for c in response.json()["clicks"]]
    assert got == [c.transaction_id for c in reversed(made)]


async def test_conversions_page_through_every_row_once(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    ids = []
    async with db.write() as session:
        for i in range(5):
            conversion = Conversion(
                conversion_id=new_hex_id(),
                network_offer_id=offer.network_offer_id,
                network_affiliate_id=affiliate.network_affiliate_id,
                network_advertiser_id=offer.network_advertiser_id,
                status="approved",
                created_at=T0 + timedelta(minutes=i),
                updated_at=T0,
                payout=Decimal("1"),
                revenue=Decimal("2"),
            )
            session.add(conversion)
            ids.append(conversion.conversion_id)
    seen: list[str] = []
    for page in (1, 2, 3):
        response = await client.post(
            "/v1/networks/reporting/conversions",
            params={"page": page, "page_size": 2, "order_field": "ignored"},
            json={**WINDOW, "show_events": True, "unknown": [1]},
            headers=network_headers,
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["paging"] == {"page": page, "page_size": 2, "total_count": 5}
        seen += [c["conversion_id"] for c in body["conversions"]]
    assert seen == list(reversed(ids))  # newest first, each once
