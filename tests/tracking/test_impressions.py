"""Impressions on the tracking host (ADR 0102): the pixel and /sdk/impression store a row
before they answer, priced per 1,000 (CPM/RPM); the rollups count exactly the stored rows;
a link that does not resolve stores nothing and still answers cleanly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.models import Impression
from clicktrail.tracking import codes
from clicktrail.tracking.impression_routes import GIF
from tests.tracking.helpers import make_pair

CPM = [
    {
        "event_id": 0,
        "payout_type": "cpm",
        "payout_amount": Decimal("2.5"),
        "revenue_type": "rpm",
        "revenue_amount": Decimal("4"),
        "is_default": True,
    }
]
TABLE = "/v1/networks/reporting/entity/table"


async def impressions(db: Database) -> list[Impression]:
    async with db.read() as session:
        result = await session.execute(select(Impression).order_by(Impression.created_at))
        return list(result.scalars())


def report_body(**extra: Any) -> dict[str, Any]:
    today = datetime.now(UTC).date()
    body: dict[str, Any] = {
        "from": (today - timedelta(days=1)).isoformat(),
        "to": (today + timedelta(days=1)).isoformat(),
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": "offer"}],
        "query": {"filters": []},
    }
    body.update(extra)
    return body


async def test_the_pixel_stores_a_priced_impression_before_answering(
    app: ClicktrailApp, client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app, payout_revenue=CPM)
    response = await client.get(
        f"/i?oid={pair.oid}&affid={pair.affid}&sub1=banner&source_id=feed",
        headers={"user-agent": "Mozilla/5.0", "referer": "https://publisher.example/"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/gif"
    assert response.content == GIF
    [row] = await impressions(db)  # committed before the answer
    assert (row.network_offer_id, row.network_affiliate_id) == (pair.oid, pair.affid)
    assert (row.sub1, row.source_id, row.referer) == (
        "banner",
        "feed",
        "https://publisher.example/",
    )
    assert (row.payout_type, row.payout, row.revenue_type, row.revenue) == (
        "CPM",
        Decimal("0.0025"),
        "CPM",
        Decimal("0.004"),
    )
    assert row.network_advertiser_id == pair.offer.network_advertiser_id

    # The encoded link shape, like the click's /{affiliate_code}/{offer_code}/.
    link = f"/i/{codes.encode('affiliate', pair.affid)}/{codes.encode('offer', pair.oid)}/"
    assert (await client.get(link)).content == GIF
    for _ in range(2):  # no uniqueness: every impression counts
        await client.get(f"/i?oid={pair.oid}&affid={pair.affid}")
    assert len(await impressions(db)) == 4

    # A click too: CTR is clicks per impression.
    assert (await client.get(f"/c?oid={pair.oid}&affid={pair.affid}")).status_code == 302

    report = await client.post(TABLE, json=report_body(), headers=network_headers)
    assert report.status_code == 200, report.text
    [line] = report.json()["table"]
    reporting = line["reporting"]
    stored = await impressions(db)
    assert reporting["imp"] == len(stored) == 4
    assert reporting["total_click"] == 1
    assert reporting["ctr"] == 25.0
    assert Decimal(str(reporting["payout"])) == sum(r.payout for r in stored) == Decimal("0.01")
    assert Decimal(str(reporting["revenue"])) == sum(r.revenue for r in stored)
    assert reporting["cpm"] == 2.5
    assert reporting["rpm"] == 4.0


async def test_an_unresolved_pixel_answers_the_gif_and_stores_nothing(
    app: ClicktrailApp, client: httpx.AsyncClient, db: Database
) -> None:
    pair = await make_pair(app, payout_revenue=CPM)
    paused = await make_pair(app, offer_status="paused")
    for path in (
        f"/i?oid=999999&affid={pair.affid}",
        f"/i?oid={pair.oid}&affid=999999",
        f"/i?oid={paused.oid}&affid={paused.affid}",
        f"/i?oid=abc&affid={'9' * 40}",
        "/i",
        "/i/AAAAAAAA/BBBBBBBB/",
    ):
        response = await client.get(path)
        assert response.status_code == 200, path
        assert response.content == GIF
    head = await client.head(f"/i?oid={pair.oid}&affid={pair.affid}")
    assert head.status_code == 200
    assert await impressions(db) == []


async def test_sdk_impression_answers_json_with_cors_after_commit(
    app: ClicktrailApp, client: httpx.AsyncClient, db: Database
) -> None:
    pair = await make_pair(app, payout_revenue=CPM)
    origin = {"origin": "https://shop.example"}
    response = await client.get(
        f"/sdk/impression?oid={pair.oid}&affid={pair.affid}&sub2=x&async=json", headers=origin
    )
    assert response.status_code == 200, response.text
    body = response.json()
    [row] = await impressions(db)
    assert body == {
        "impression_id": row.impression_id,
        "transaction_id": row.impression_id,
        "oid": pair.oid,
        "aid": pair.offer.network_advertiser_id,
    }
    assert row.sub2 == "x"
    assert response.headers["access-control-allow-origin"] == "https://shop.example"
    assert response.headers["access-control-allow-credentials"] == "true"
    assert response.headers["vary"] == "Origin"

    preflight = await client.options(
        "/sdk/impression", headers={**origin, "access-control-request-method": "GET"}
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "https://shop.example"
    assert "GET" in preflight.headers["access-control-allow-methods"]

    missing = await client.get(f"/sdk/impression?affid={pair.affid}", headers=origin)
    assert missing.status_code == 400
    assert missing.json()["Error"].startswith("oid:")
    unknown = await client.get(f"/sdk/impression?oid=999999&affid={pair.affid}")
    assert unknown.status_code == 404
    assert unknown.json()["Error"].startswith("oid:")
    assert len(await impressions(db)) == 1
