"""Seed 003: the raw click stream and click-by-id, affiliate and network realms."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from clicktrail.app import ClicktrailApp
from clicktrail.click import service
from clicktrail.db import Database
from clicktrail.models import Affiliate, Offer
from tests.fixtures.factories import make_affiliate, make_click, make_key, make_offer

T0 = datetime(2026, 3, 2, 20, 0, 0, tzinfo=UTC)  # 12:00 in Los Angeles (UTC-8)


def _window(start: str = "2026-03-02 00:00:00", end: str = "2026-03-03 00:00:00") -> dict[str, Any]:
    return {"from": start, "to": end, "timezone_id": 67}


async def _world(db: Database) -> dict[str, Any]:
    offer_a = await make_offer(db, name="Offer A")
    offer_b = await make_offer(db, name="Offer B")
    mine = await make_affiliate(db, name="Mine")
    other = await make_affiliate(db, name="Other")
    clicks = {
        "us_a_internal": await make_click(
            db,
            offer_a,
            mine,
            created_at=T0,
            country_code="US",
            country_name="United States",
            sub1="internal",
            sub3="test",
            query_parameters={"__cc": "SUMMER"},
            coupon_code="SUMMER",
            payout_type="CPC",
            payout=Decimal("0.25"),
            revenue_type="CPC",
            revenue=Decimal("0.4"),
        ),
        "ca_b": await make_click(
            db,
            offer_b,
            mine,
            created_at=T0 + timedelta(minutes=1),
            country_code="CA",
            country_name="Canada",
            sub1="internal",
            browser_name="Safari",
        ),
        "fr_a": await make_click(
            db,
            offer_a,
            mine,
            created_at=T0 + timedelta(minutes=2),
            country_code="FR",
            country_name="France",
            sub1="other",
            creative_id=5,
        ),
        "other_aff": await make_click(
            db,
            offer_a,
            other,
            created_at=T0 + timedelta(minutes=3),
            country_code="US",
            country_name="United States",
            sub1="internal",
        ),
        "old": await make_click(db, offer_a, mine, created_at=T0 - timedelta(days=3)),
    }
    key = await make_key(db, "affiliate", affiliate_id=mine.network_affiliate_id)
    return {"a": offer_a, "b": offer_b, "mine": mine, "other": other, "clicks": clicks, "key": key}


def _ids(body: dict[str, Any]) -> list[str]:
    return [c["transaction_id"] for c in body["clicks"]]


async def test_affiliate_stream_returns_only_own_clicks_newest_first(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    world = await _world(app.state.db)
    clicks = world["clicks"]
    response = await client.post(
        "/v1/affiliates/reporting/clicks/stream",
        json=_window(),
        headers={"X-Eflow-API-Key": world["key"]},
    )
    assert response.status_code == 200
    assert response.headers["x-clicktrail-truncated"] == "false"
    assert response.headers["x-clicktrail-row-limit"] == "5000"
    body = response.json()
    assert _ids(body) == [
        clicks["fr_a"].transaction_id,
        clicks["ca_b"].transaction_id,
        clicks["us_a_internal"].transaction_id,
    ]
    row = body["clicks"][2]
    assert row["unix_timestamp"] == int(T0.timestamp())
    assert row["is_unique"] == 1
    assert row["error_code"] == 0
    assert row["error_message"] == "N/A"
    # The affiliate sees what it earns as its revenue.
    assert (row["revenue_type"], row["revenue"]) == ("CPC", 0.25)
    assert row["coupon_code"] == "SUMMER"
    assert row["currency_id"] == ""
    assert row["relationship"]["offer"] == {
        "network_offer_id": world["a"].network_offer_id,
        "network_id": 1,
        "name": "Offer A",
        "offer_status": "active",
        "network_tracking_domain_id": 0,
    }
    assert row["relationship"]["geolocation"]["country_name"] == "United States"
    assert row["relationship"]["device_information"]["browser_name"] == "Chrome"
    assert row["relationship"]["query_parameters"] == {"__cc": "SUMMER"}
    assert set(row) >= {"idfa", "idfa_md5", "google_ad_id_sha1", "android_id_sha1", "referer"}
    assert "payout" not in row
    assert "network_affiliate_id" not in row


async def test_filters_or_within_a_type_and_across_types(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    world = await _world(app.state.db)
    clicks = world["clicks"]
    headers = {"X-Eflow-API-Key": world["key"]}

    async def stream(filters: list[dict[str, Any]], **extra: Any) -> list[str]:
        body = {**_window(), "query": {"filters": filters, **extra}}
        response = await client.post(
            "/v1/affiliates/reporting/clicks/stream", json=body, headers=headers
        )
        assert response.status_code == 200, response.text
        return _ids(response.json())

    # Seed example 1: s1 = internal AND (Canada OR United States)
    assert await stream(
        [
            {"filter_id_value": "internal", "resource_type": "s1"},
            {"filter_id_value": "Canada", "resource_type": "country"},
            {"filter_id_value": "United States", "resource_type": "country"},
        ]
    ) == [clicks["ca_b"].transaction_id, clicks["us_a_internal"].transaction_id]
    # Seed example 2: two offers (ids as strings or numbers).
    assert (
        len(
            await stream(
                [
                    {"filter_id_value": str(world["a"].network_offer_id), "resource_type": "offer"},
                    {"filter_id_value": world["b"].network_offer_id, "resource_type": "offer"},
                ]
            )
        )
        == 3
    )
    assert await stream([{"filter_id_value": "test", "resource_type": "s3"}]) == [
        clicks["us_a_internal"].transaction_id
    ]
    assert await stream([{"filter_id_value": "fr", "resource_type": "country"}]) == [
        clicks["fr_a"].transaction_id
    ]
    assert await stream([{"filter_id_value": "5", "resource_type": "creative"}]) == [
        clicks["fr_a"].transaction_id
    ]
    assert await stream([{"filter_id_value": "Safari", "resource_type": "browser"}]) == [
        clicks["ca_b"].transaction_id
    ]
    assert await stream([{"filter_id_value": "SUMMER", "resource_type": "coupon_code"}]) == [
        clicks["us_a_internal"].transaction_id
    ]
    assert await stream(
        [], exclusions=[{"filter_id_value": "internal", "resource_type": "s1"}]
    ) == [clicks["fr_a"].transaction_id]
    # Every seed resource type is accepted.
    for kind in service.RESOURCE_COLUMNS:
        value = "1" if kind in ("offer", "creative", "campaign", "offer_url") else "nothing"
        await stream([{"filter_id_value": value, "resource_type": kind}])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (_window("2026-03-01 00:00:00", "2026-03-16 00:00:01"), "to"),
        (_window("2026-03-03 00:00:00", "2026-03-02 00:00:00"), "to"),
        (_window("2026-03-02", "2026-03-03 00:00:00"), "from"),
        ({**_window(), "timezone_id": 100000}, "timezone_id"),
        ({"from": "2026-03-02 00:00:00", "timezone_id": 67}, "to"),
        (
            {
                **_window(),
                "query": {"filters": [{"resource_type": "planet", "filter_id_value": "x"}]},
            },
            "query.filters[0].resource_type",
        ),
        (
            {
                **_window(),
                "query": {"filters": [{"resource_type": "offer", "filter_id_value": "x"}]},
            },
            "query.filters[0].filter_id_value",
        ),
    ],
)
async def test_bad_requests_are_400_naming_the_field(
    app: ClicktrailApp, client: httpx.AsyncClient, body: dict[str, Any], field: str
) -> None:
    world = await _world(app.state.db)
    response = await client.post(
        "/v1/affiliates/reporting/clicks/stream",
        json=body,
        headers={"X-Eflow-API-Key": world["key"]},
    )
    assert response.status_code == 400
    assert field in response.json()["Error"]


async def test_exactly_fourteen_days_is_allowed(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    world = await _world(app.state.db)
    response = await client.post(
        "/v1/affiliates/reporting/clicks/stream",
        json=_window("2026-02-20 00:00:00", "2026-03-05 23:59:59"),
        headers={"X-Eflow-API-Key": world["key"]},
    )
    assert response.status_code == 200
    assert len(response.json()["clicks"]) == 4  # the 3-day-old click included


async def test_timezone_moves_the_window(app: ClicktrailApp, client: httpx.AsyncClient) -> None:
    world = await _world(app.state.db)
    # 12:00-12:00:59 in Los Angeles is 20:00-20:00:59 UTC: only the first click.
    response = await client.post(
        "/v1/affiliates/reporting/clicks/stream",
        json={"from": "2026-03-02 12:00:00", "to": "2026-03-02 12:00:59", "timezone_id": 90},
        headers={"X-Eflow-API-Key": world["key"]},
    )
    assert _ids(response.json()) == [world["clicks"]["us_a_internal"].transaction_id]


async def test_row_limit_keeps_the_newest_and_says_so(
    app: ClicktrailApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await _world(app.state.db)
    monkeypatch.setattr(service, "AFFILIATE_ROW_LIMIT", 2)
    response = await client.post(
        "/v1/affiliates/reporting/clicks/stream",
        json=_window(),
        headers={"X-Eflow-API-Key": world["key"]},
    )
    assert response.headers["x-clicktrail-truncated"] == "true"
    assert response.headers["x-clicktrail-row-limit"] == "2"
    assert _ids(response.json()) == [
        world["clicks"]["fr_a"].transaction_id,
        world["clicks"]["ca_b"].transaction_id,
    ]


async def test_click_by_id_is_private_to_its_affiliate(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    world = await _world(app.state.db)
    headers = {"X-Eflow-API-Key": world["key"]}
    mine = world["clicks"]["us_a_internal"].transaction_id
    theirs = world["clicks"]["other_aff"].transaction_id
    response = await client.get(f"/v1/affiliates/reporting/clicks/{mine}", headers=headers)
    assert response.status_code == 200
    assert response.json()["transaction_id"] == mine
    for unknown in (theirs, "0" * 32, "not-a-click"):
        response = await client.get(f"/v1/affiliates/reporting/clicks/{unknown}", headers=headers)
        assert response.status_code == 404
        assert "error" in response.json()
    # A network key is out of the affiliate realm, and the other way round.
    response = await client.get(f"/v1/affiliates/reporting/clicks/{mine}", headers=network_headers)
    assert response.status_code == 403
    response = await client.get(f"/v1/networks/reporting/clicks/{mine}", headers=headers)
    assert response.status_code == 403
    assert (await client.get(f"/v1/networks/reporting/clicks/{mine}")).status_code == 401


async def test_network_twins_see_every_affiliate(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    world = await _world(app.state.db)
    clicks = world["clicks"]
    response = await client.post(
        "/v1/networks/reporting/clicks/stream",
        json={
            **_window(),
            "query": {
                "filters": [
                    {
                        "resource_type": "affiliate",
                        "filter_id_value": world["other"].network_affiliate_id,
                    },
                    {
                        "resource_type": "affiliate",
                        "filter_id_value": world["mine"].network_affiliate_id,
                    },
                ]
            },
        },
        headers=network_headers,
    )
    assert response.status_code == 200
    assert response.headers["x-clicktrail-row-limit"] == "10000"
    assert _ids(response.json()) == [
        clicks["other_aff"].transaction_id,
        clicks["fr_a"].transaction_id,
        clicks["ca_b"].transaction_id,
        clicks["us_a_internal"].transaction_id,
    ]
    response = await client.get(
        f"/v1/networks/reporting/clicks/{clicks['us_a_internal'].transaction_id}",
        headers=network_headers,
    )
    row = response.json()
    assert (row["revenue_type"], row["revenue"]) == ("CPC", 0.4)
    assert (row["payout_type"], row["payout"]) == ("CPC", 0.25)
    assert row["network_affiliate_id"] == world["mine"].network_affiliate_id


async def test_clicks_from_the_tracking_link_show_in_the_report(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer: Offer = await make_offer(app.state.db)
    affiliate: Affiliate = await make_affiliate(app.state.db)
    await app.state.components["tracking_cache"].reload()
    response = await client.get(
        f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}&sub1=live",
        headers={"user-agent": "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Firefox/120.0"},
    )
    assert response.status_code == 302
    now = datetime.now(UTC)
    response = await client.post(
        "/v1/networks/reporting/clicks/stream",
        json={
            "from": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
            "to": (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
            "timezone_id": 67,
        },
        headers=network_headers,
    )
    [row] = response.json()["clicks"]
    assert row["sub1"] == "live"
    assert row["relationship"]["device_information"]["browser_name"] == "Firefox"
    assert row["relationship"]["offer"]["name"] == offer.name
    assert row["user_ip"] == "127.0.0.1"


def _shape(value: Any) -> Any:
    """A row's structure: keys and JSON types (int and float are both numbers)."""
    if isinstance(value, dict):
        return {key: _shape(item) for key, item in value.items()}
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return type(value).__name__


async def test_excluding_an_offer_keeps_invalid_clicks_of_the_same_shape(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer: Offer = await make_offer(app.state.db)
    affiliate: Affiliate = await make_affiliate(app.state.db)
    valid = await client.get(
        f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}"
    )
    assert valid.status_code == 302
    unknown_offer = await client.get(f"/c?oid=999999&affid={affiliate.network_affiliate_id}")
    unknown_affiliate = await client.get(f"/c?oid={offer.network_offer_id}&affid=999999")
    assert unknown_offer.status_code == unknown_affiliate.status_code == 404
    now = datetime.now(UTC)
    window = {
        "from": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "to": (now + timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
        "timezone_id": 67,
    }

    async def rows(*exclusions: tuple[str, int]) -> list[dict[str, Any]]:
        query = {"exclusions": [{"resource_type": t, "filter_id_value": v} for t, v in exclusions]}
        response = await client.post(
            "/v1/networks/reporting/clicks/stream",
            json={**window, "query": query},
            headers=network_headers,
        )
        assert response.status_code == 200, response.text
        clicks: list[dict[str, Any]] = response.json()["clicks"]
        return clicks

    everything = await rows()
    assert sorted(r["error_code"] for r in everything) == [0, 2, 4]
    # Excluding the offer drops its clicks, not those whose offer is unknown.
    [kept] = await rows(("offer", offer.network_offer_id))
    assert kept["error_code"] == 2
    assert kept["relationship"]["offer"]["network_offer_id"] == 0
    assert kept["relationship"]["query_parameters"]["oid"] == "999999"
    [kept] = await rows(("affiliate", affiliate.network_affiliate_id))
    assert kept["error_code"] == 4
    assert kept["network_affiliate_id"] == 0
    # Invalid clicks parse like valid ones: same keys, same JSON types.
    # query_parameters is an object, or null when there are none, as in the seed's rows.
    by_code = {r["error_code"]: r for r in everything}
    for row in by_code.values():
        assert isinstance(row["relationship"].pop("query_parameters"), dict | None)
    assert _shape(by_code[2]) == _shape(by_code[0]) == _shape(by_code[4])
