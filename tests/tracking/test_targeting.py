"""Offer targeting on the click path: real enriched clicks (generated .mmdb files, real user
agents) against rulesets set through the API; refused clicks are stored invalid (code 8),
sent to the offer's fail traffic or the network fallback, and reported as invalid."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from clicktrail.app import ClicktrailApp, create_app
from clicktrail.config import Settings
from clicktrail.db import Database
from tests.fixtures.factories import make_advertiser, make_affiliate
from tests.tracking.helpers import click, query_of, set_fallback

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
CALIFORNIA, TEXAS, FRANCE = "198.51.100.7", "192.0.2.7", "203.0.113.7"
OFFERS = "/v1/networks/offers"


def _city_database(directory: Path) -> Path:
    city = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    places = (
        ("198.51.100.0/24", "US", "United States", "CA", "California"),
        ("192.0.2.0/24", "US", "United States", "TX", "Texas"),
        ("203.0.113.0/24", "FR", "France", "IDF", "Île-de-France"),
    )
    for network, country, country_name, region, region_name in places:
        city.insert_network(
            IPSet([network]),
            {
                "country": {"iso_code": country, "names": {"en": country_name}},
                "subdivisions": [{"iso_code": region, "names": {"en": region_name}}],
            },
        )
    path = directory / "city.mmdb"
    city.to_db_file(str(path))
    return path


@pytest.fixture
async def app(settings: Settings, tmp_path: Path) -> AsyncIterator[ClicktrailApp]:
    """The app with geolocation, behind a trusted proxy (the test client is 127.0.0.1)."""
    configured = settings.model_copy(
        update={
            "geoip_city_path": str(_city_database(tmp_path)),
            "trusted_proxies": ["127.0.0.0/8"],
        }
    )
    application = create_app(configured)
    await application.state.start()
    try:
        yield application
    finally:
        await application.state.stop()


def _offer(advertiser_id: int, destination: str, **fields: Any) -> dict[str, Any]:
    return {
        "network_advertiser_id": advertiser_id,
        "name": "Targeted",
        "destination_url": destination,
        "offer_status": "active",
        "payout_revenue": [
            {
                "payout_type": "cpc",
                "payout_amount": 0.5,
                "revenue_type": "rpc",
                "revenue_amount": 1,
                "is_default": True,
            }
        ],
        **fields,
    }


async def _post(client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any]) -> int:
    response = await client.post(OFFERS, json=body, headers=headers)
    assert response.status_code == 200, response.text
    return int(response.json()["network_offer_id"])


async def _click(
    client: httpx.AsyncClient, offer_id: int, affiliate_id: int, ip: str, agent: str
) -> str:
    response = await client.get(
        f"/c?oid={offer_id}&affid={affiliate_id}&sub1=s",
        headers={"user-agent": agent, "x-forwarded-for": ip},
    )
    assert response.status_code == 302, response.text
    return str(response.headers["location"])


async def _stored(db: Database, location: str) -> tuple[int, str]:
    found = await click(db, query_of(location)["tid"])
    return found.error_code, found.error_message


async def test_include_and_exclude_rules_on_place_and_device(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    advertiser = await make_advertiser(db)
    affiliate = (await make_affiliate(db)).network_affiliate_id
    ruleset = {
        "countries": [{"country_code": "US", "targeting_type": "include"}],
        "regions": [{"country_code": "US", "region_code": "TX", "targeting_type": "exclude"}],
        "device_types": [{"label": "Mobile", "targeting_type": "include"}],
    }
    offer_id = await _post(
        client,
        network_headers,
        _offer(
            advertiser.network_advertiser_id,
            "https://lp.example/?tid={transaction_id}",
            ruleset=ruleset,
            is_fail_traffic_enabled=True,
            redirect_routing_method="external",
            fail_traffic_url="https://fail.example/?tid={transaction_id}&s={sub1}",
        ),
    )

    on_target = await _click(client, offer_id, affiliate, CALIFORNIA, IPHONE)
    assert on_target.startswith("https://lp.example/")
    assert await _stored(db, on_target) == (0, "")

    for ip, agent in ((CALIFORNIA, WINDOWS), (TEXAS, IPHONE), (FRANCE, IPHONE)):
        refused = await _click(client, offer_id, affiliate, ip, agent)
        assert refused.startswith("https://fail.example/"), (ip, agent)
        assert query_of(refused)["s"] == "s"
        assert await _stored(db, refused) == (8, "Targeting mismatch")
        stored = await click(db, query_of(refused)["tid"])
        assert stored.payout == 0
        assert stored.is_unique is False
        assert stored.network_offer_id == offer_id


async def test_refused_clicks_go_to_a_redirect_offer_or_the_fallback_and_count_invalid(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    advertiser = (await make_advertiser(db)).network_advertiser_id
    affiliate = (await make_affiliate(db)).network_affiliate_id
    await set_fallback(app, "https://fallback.example/")
    backup = await _post(
        client, network_headers, _offer(advertiser, "https://backup.example/?tid={transaction_id}")
    )
    paused = await _post(
        client,
        network_headers,
        _offer(advertiser, "https://paused.example/", offer_status="paused"),
    )
    body = _offer(
        advertiser,
        "https://lp.example/?tid={transaction_id}",
        ruleset={"platforms": [{"label": "iOS", "targeting_type": "exclude"}]},
        is_fail_traffic_enabled=True,
        redirect_routing_method="internal",
        redirect_internal_routing_type="priority",
        internal_redirects=[
            {"redirect_network_offer_id": paused, "routing_value": 1},
            {"redirect_network_offer_id": backup, "routing_value": 2},
        ],
    )
    offer_id = await _post(client, network_headers, body)

    assert (await _click(client, offer_id, affiliate, FRANCE, WINDOWS)).startswith(
        "https://lp.example/"
    )
    diverted = await _click(client, offer_id, affiliate, FRANCE, IPHONE)
    assert diverted.startswith("https://backup.example/")  # the paused offer is skipped
    assert await _stored(db, diverted) == (8, "Targeting mismatch")

    # Fail traffic off: refused clicks go to the network fallback.
    body["is_fail_traffic_enabled"] = False
    response = await client.put(f"{OFFERS}/{offer_id}", json=body, headers=network_headers)
    assert response.status_code == 200, response.text
    assert await _click(client, offer_id, affiliate, FRANCE, IPHONE) == "https://fallback.example/"

    now = datetime.now(UTC)
    window = {
        "from": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "to": (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "timezone_id": 67,
    }
    stream = await client.post(
        "/v1/networks/reporting/clicks/stream", json=window, headers=network_headers
    )
    assert stream.status_code == 200, stream.text
    mine = [
        c
        for c in stream.json()["clicks"]
        if c["relationship"]["offer"]["network_offer_id"] == offer_id
    ]
    assert sorted((c["error_code"], c["error_message"]) for c in mine) == [
        (0, "N/A"),
        (8, "Targeting mismatch"),
        (8, "Targeting mismatch"),
    ]

    report = await client.post(
        "/v1/networks/reporting/entity/table",
        json={
            "from": (now - timedelta(days=1)).date().isoformat(),
            "to": (now + timedelta(days=1)).date().isoformat(),
            "timezone_id": 67,
            "columns": [{"column": "offer"}],
            "query": {"filters": []},
        },
        headers=network_headers,
    )
    assert report.status_code == 200, report.text
    rows = {r["columns"][0]["id"]: r["reporting"] for r in report.json()["table"]}
    assert rows[str(offer_id)]["invalid_click"] == 2
    assert (rows[str(offer_id)]["total_click"], rows[str(offer_id)]["gross_click"]) == (1, 3)
