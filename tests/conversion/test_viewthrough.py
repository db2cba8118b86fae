"""View-through conversions (ADR 0103): a postback without a click is credited to the
affiliate's latest impression of the offer, within the offer's lookback window, and flagged
``is_view_through`` in the conversion report."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select, update

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.models import Conversion, Impression, Offer
from tests.fixtures.factories import make_affiliate, make_offer

REPORT = "/v1/networks/reporting/conversions"


async def _view_through(db: Database, offer: Offer, lookback: int = 0) -> None:
    async with db.write() as session:
        await session.execute(
            update(Offer)
            .where(Offer.network_offer_id == offer.network_offer_id)
            .values(is_view_through_enabled=True, view_through_lookback_hour=lookback)
        )


async def _impression(db: Database, offer: Offer, affiliate_id: int, age: timedelta) -> str:
    impression_id = new_hex_id()
    async with db.write() as session:
        session.add(
            Impression(
                impression_id=impression_id,
                created_at=datetime.now(UTC) - age,
                network_offer_id=offer.network_offer_id,
                network_affiliate_id=affiliate_id,
                network_advertiser_id=offer.network_advertiser_id,
                sub1="banner",
                country_code="FR",
            )
        )
    return impression_id


async def _rows(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion).order_by(Conversion.created_at)))


def _postback(offer: Offer, affiliate_id: int, **extra: str) -> dict[str, Any]:
    return {"nid": "1", "oid": str(offer.network_offer_id), "affid": str(affiliate_id), **extra}


async def test_a_postback_without_a_click_is_credited_to_the_latest_impression(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    affid = affiliate.network_affiliate_id
    await _view_through(db, offer, lookback=24)
    await _impression(db, offer, affid, timedelta(hours=3))
    latest = await _impression(db, offer, affid, timedelta(hours=1))
    shown_offer = await client.get(
        f"/v1/networks/offers/{offer.network_offer_id}", headers=network_headers
    )
    assert shown_offer.status_code == 200, shown_offer.text
    assert shown_offer.json()["is_view_through_enabled"] is True
    assert shown_offer.json()["view_through_lookback_hour"] == 24

    response = await client.get("/", params=_postback(offer, affid, amount="10"))
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["error_code"], body["transaction_id"]) == ("approved", 0, latest)
    [row] = await _rows(db)
    assert row.is_view_through is True
    assert (row.transaction_id, row.network_affiliate_id, row.sub1) == (latest, affid, "banner")
    assert row.country_code == "FR"

    today = datetime.now(UTC).date().isoformat()
    report = await client.post(
        REPORT, json={"from": today, "to": today, "timezone_id": 67}, headers=network_headers
    )
    assert report.status_code == 200, report.text
    [shown] = report.json()["conversions"]
    assert shown["is_view_through"] is True

    # The SDK's way: the impression id as the transaction id.
    again = await client.get("/", params={"nid": "1", "transaction_id": latest, "event_id": "0"})
    assert (again.json()["status"], again.json()["error_code"]) == ("rejected", 8)  # duplicate
    assert [r.is_view_through for r in await _rows(db)] == [True, True]
    fresh = await _impression(db, offer, affid, timedelta(minutes=1))
    sdk = await client.get("/", params={"nid": "1", "transaction_id": fresh})
    assert (sdk.json()["status"], sdk.json()["transaction_id"]) == ("approved", fresh)
    assert [r.is_view_through for r in await _rows(db)] == [True, True, True]


async def test_view_through_refusals(db: Database, client: httpx.AsyncClient) -> None:
    offer = await make_offer(db)
    affid = (await make_affiliate(db)).network_affiliate_id
    other = (await make_affiliate(db)).network_affiliate_id
    await _impression(db, offer, affid, timedelta(hours=1))

    # The offer does not allow view-through: no credit, stored invalid (Invalid Click).
    off = await client.get("/", params=_postback(offer, affid))
    assert (off.json()["status"], off.json()["error_code"]) == ("invalid", 13)

    await _view_through(db, offer, lookback=2)
    # No impression by this affiliate.
    none = await client.get("/", params=_postback(offer, other))
    assert (none.json()["status"], none.json()["error_code"]) == ("invalid", 13)

    # An impression older than the lookback window: rejected, code 5.
    old_offer = await make_offer(db)
    await _view_through(db, old_offer, lookback=2)
    await _impression(db, old_offer, affid, timedelta(hours=5))
    old = await client.get("/", params=_postback(old_offer, affid))
    assert (old.json()["status"], old.json()["error_code"]) == ("rejected", 5)

    # Neither a transaction id nor an affiliate: still a 400 naming the transaction id.
    bad = await client.get("/", params={"nid": "1", "oid": str(offer.network_offer_id)})
    assert bad.status_code == 400
    assert "transaction_id" in bad.text
    huge = await client.get("/", params=_postback(offer, affid, amount="1" * 40))
    assert huge.status_code == 400

    rows = await _rows(db)
    assert [r.is_view_through for r in rows] == [False, False, True]
    assert all(r.payout == Decimal(0) or r.status != "approved" for r in rows)
