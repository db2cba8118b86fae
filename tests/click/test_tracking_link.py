"""POST /v1/networks/tracking/offers/clicks, and following the link it returns."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import update

from clicktrail.app import ClicktrailApp
from clicktrail.models import Offer
from tests.tracking.helpers import click, make_pair, query_of


async def test_generated_link_tracks(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app)
    response = await client.post(
        "/v1/networks/tracking/offers/clicks",
        json={
            "network_offer_id": pair.oid,
            "network_affiliate_id": pair.affid,
            "sub1": "fb campaign",
            "source_id": "src",
            "creative_id": 12,
            "unknown_option": True,
        },
        headers=network_headers,
    )
    assert response.status_code == 200
    url = response.json()["url"]
    assert list(response.json()) == ["url"]
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == "http://track.test"  # the tracking_url setting
    assert str(pair.oid) not in parts.path.split("/")  # opaque codes, not ids
    assert parse_qs(parts.query) == {
        "creative_id": ["12"],
        "source_id": ["src"],
        "sub1": ["fb campaign"],
    }
    followed = await client.get(f"{parts.path}?{parts.query}")
    assert followed.status_code == 302
    stored = await click(app.state.db, query_of(followed.headers["location"])["tid"])
    assert (stored.network_offer_id, stored.network_affiliate_id) == (pair.oid, pair.affid)
    assert (stored.sub1, stored.source_id, stored.creative_id) == ("fb campaign", "src", 12)


async def test_link_errors_name_the_field(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app)
    path = "/v1/networks/tracking/offers/clicks"
    response = await client.post(
        path,
        json={"network_offer_id": 987654, "network_affiliate_id": pair.affid},
        headers=network_headers,
    )
    assert response.status_code == 404
    assert "network_offer_id" in response.json()["Error"]
    response = await client.post(path, json={"network_offer_id": pair.oid}, headers=network_headers)
    assert response.status_code == 400
    assert "network_affiliate_id" in response.json()["error"]
    response = await client.post(
        path, json={"network_offer_id": "x", "network_affiliate_id": 1}, headers=network_headers
    )
    assert response.status_code == 400
    assert "network_offer_id" in response.json()["error"]
    response = await client.post(path, content=b"{not json", headers=network_headers)
    assert response.status_code == 400
    async with app.state.db.write() as session:
        await session.execute(update(Offer).values(offer_status="paused"))
    response = await client.post(
        path,
        json={"network_offer_id": pair.oid, "network_affiliate_id": pair.affid},
        headers=network_headers,
    )
    assert response.status_code == 400
    assert response.json()["Error"] == "network_offer_id: offer is paused"
    assert (await client.post(path, json={})).status_code == 401
