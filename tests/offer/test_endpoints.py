from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.models import Offer, OfferPayoutRevenue
from tests.fixtures.factories import make_advertiser, make_offer

URL = "/v1/networks/offers"


def offer_body(advertiser_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "network_advertiser_id": advertiser_id,
        "name": "Sample CPA",
        "destination_url": "https://lp.example/?click={transaction_id}&aff={affiliate_id}",
        "offer_status": "active",
        "currency_id": "USD",
        "payout_revenue": [
            {
                "entry_name": "Base",
                "payout_type": "cpa",
                "payout_amount": 3,
                "revenue_type": "rpa",
                "revenue_amount": 5.5,
                "is_default": True,
            },
            {
                "entry_name": "Upsell",
                "event_alias": "upsell",
                "payout_type": "cps",
                "payout_percentage": 10,
                "revenue_type": "rps",
                "revenue_percentage": 100,
            },
            {
                "entry_name": "Deposit",
                "event_alias": "deposit",
                "payout_type": "cpa_cps",
                "payout_amount": 1.25,
                "payout_percentage": 2.5,
                "revenue_type": "rpa_rps",
                "revenue_amount": 2,
                "revenue_percentage": 5,
                "is_private": True,
            },
        ],
    }
    body.update(overrides)
    return body


async def _counts(db: Database) -> tuple[int, int]:
    async with db.read() as session:
        offers = await session.scalar(select(func.count()).select_from(Offer))
        entries = await session.scalar(select(func.count()).select_from(OfferPayoutRevenue))
    return int(offers or 0), int(entries or 0)


@pytest.fixture
async def advertiser_id(db: Database) -> int:
    return (await make_advertiser(db)).network_advertiser_id


async def test_create_offer_with_entries_and_events(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, advertiser_id: int
) -> None:
    response = await client.post(URL, json=offer_body(advertiser_id), headers=network_headers)
    assert response.status_code == 200, response.text
    offer = response.json()
    assert offer["destination_url"].endswith("{transaction_id}&aff={affiliate_id}")
    assert offer["relationship"]["advertiser"]["network_advertiser_id"] == advertiser_id
    entries = offer["relationship"]["payout_revenue"]["entries"]
    assert offer["relationship"]["payout_revenue"]["total"] == 3
    base, upsell, deposit = entries
    assert base["is_default"] is True
    assert base["event_id"] == 0
    assert (base["payout_amount"], base["revenue_amount"]) == (3, 5.5)
    assert upsell["event_id"] == upsell["network_offer_payout_revenue_id"] != 0
    assert (upsell["payout_type"], upsell["payout_percentage"]) == ("cps", 10)
    assert deposit["event_alias"] == "deposit"
    assert deposit["is_private"] is True
    assert (deposit["payout_amount"], deposit["payout_percentage"]) == (1.25, 2.5)

    fetched = await client.get(f"{URL}/{offer['network_offer_id']}", headers=network_headers)
    assert fetched.status_code == 200
    assert (
        fetched.json()["relationship"]["payout_revenue"] == offer["relationship"]["payout_revenue"]
    )
    assert "advertiser" not in fetched.json()["relationship"]

    async with db.read() as session:
        row = await session.get(OfferPayoutRevenue, deposit["network_offer_payout_revenue_id"])
    assert row is not None
    assert row.payout_amount == Decimal("1.25")
    assert row.revenue_percentage == Decimal("5")


async def test_defaults_window_and_legacy_method(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, advertiser_id: int
) -> None:
    await client.put("/v1/networks", json={"currency_id": "EUR"}, headers=network_headers)
    body = offer_body(
        advertiser_id,
        conversion_method="https_image_pixel",
        is_session_tracking_enabled=True,
        session_tracking_lifespan_hour=720,
        session_tracking_minimum_lifespan_second=5,
        is_allow_duplicate_conversion=True,
    )
    del body["currency_id"]
    response = await client.post(URL, json=body, headers=network_headers)
    assert response.status_code == 200, response.text
    offer = response.json()
    assert offer["currency_id"] == "EUR"
    assert offer["conversion_method"] == "html_pixel_cookie_based"
    assert offer["session_tracking_lifespan_hour"] == 720
    async with db.read() as session:
        row = await session.get(Offer, offer["network_offer_id"])
    assert row is not None
    assert (row.min_click_to_conversion_seconds, row.max_click_to_conversion_seconds) == (
        5,
        720 * 3600,
    )
    assert row.is_allow_duplicate_conversion is True


async def test_put_keeps_named_entries_and_drops_the_rest(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, advertiser_id: int
) -> None:
    created = (
        await client.post(URL, json=offer_body(advertiser_id), headers=network_headers)
    ).json()
    offer_id = created["network_offer_id"]
    base, upsell, _deposit = created["relationship"]["payout_revenue"]["entries"]
    body = offer_body(
        advertiser_id,
        name="Renamed",
        offer_status="paused",
        payout_revenue=[
            {"payout_type": "cpa", "payout_amount": 4, "revenue_type": "rpa", "is_default": True},
            {
                "network_offer_payout_revenue_id": upsell["network_offer_payout_revenue_id"],
                "entry_name": "Upsell v2",
                "event_alias": "upsell",
                "payout_type": "cps",
                "payout_percentage": 12,
                "revenue_type": "rps",
                "revenue_percentage": 90,
            },
            {"entry_name": "Lead", "payout_type": "cpa", "revenue_type": "rpa", "payout_amount": 1},
        ],
    )
    replaced = await client.put(f"{URL}/{offer_id}", json=body, headers=network_headers)
    assert replaced.status_code == 200, replaced.text
    offer = replaced.json()
    assert (offer["name"], offer["offer_status"]) == ("Renamed", "paused")
    new_base, new_upsell, lead = offer["relationship"]["payout_revenue"]["entries"]
    assert new_base["network_offer_payout_revenue_id"] == base["network_offer_payout_revenue_id"]
    assert new_base["event_id"] == 0
    assert new_base["payout_amount"] == 4
    assert (
        new_upsell["network_offer_payout_revenue_id"] == upsell["network_offer_payout_revenue_id"]
    )
    assert new_upsell["event_id"] == upsell["event_id"]
    assert new_upsell["entry_name"] == "Upsell v2"
    assert lead["event_id"] == lead["network_offer_payout_revenue_id"]
    assert await _counts(db) == (1, 3)


async def test_put_can_move_the_default_to_another_entry(
    client: httpx.AsyncClient, network_headers: dict[str, str], advertiser_id: int
) -> None:
    created = (
        await client.post(URL, json=offer_body(advertiser_id), headers=network_headers)
    ).json()
    base, upsell, _ = created["relationship"]["payout_revenue"]["entries"]
    entries = [
        {
            "network_offer_payout_revenue_id": base["network_offer_payout_revenue_id"],
            "entry_name": "Former base",
            "payout_type": "cpa",
            "revenue_type": "rpa",
        },
        {
            "network_offer_payout_revenue_id": upsell["network_offer_payout_revenue_id"],
            "entry_name": "New base",
            "payout_type": "cps",
            "revenue_type": "rps",
            "is_default": True,
        },
    ]
    response = await client.put(
        f"{URL}/{created['network_offer_id']}",
        json=offer_body(advertiser_id, payout_revenue=entries),
        headers=network_headers,
    )
    assert response.status_code == 200, response.text
    by_id = {
        e["network_offer_payout_revenue_id"]: e
        for e in response.json()["relationship"]["payout_revenue"]["entries"]
    }
    assert by_id[upsell["network_offer_payout_revenue_id"]]["event_id"] == 0
    assert (
        by_id[base["network_offer_payout_revenue_id"]]["event_id"]
        == base["network_offer_payout_revenue_id"]
    )


async def test_list_and_relationship_advertiser(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, advertiser_id: int
) -> None:
    await make_offer(db, advertiser_id=advertiser_id, name="First")
    await make_offer(db, advertiser_id=advertiser_id, name="Second")
    response = await client.get(
        URL, params={"page_size": 1, "relationship": "advertiser"}, headers=network_headers
    )
    assert response.status_code == 200
    body = response.json()
    assert body["paging"] == {"page": 1, "page_size": 1, "total_count": 2}
    (offer,) = body["offers"]
    assert offer["name"] == "First"
    assert offer["relationship"]["advertiser"]["name"] == "Acme Advertiser"
    assert offer["relationship"]["payout_revenue"]["entries"][0]["payout_amount"] == 5


def _without_default(body: dict[str, Any]) -> dict[str, Any]:
    body["payout_revenue"][0]["is_default"] = False
    return body


def _two_defaults(body: dict[str, Any]) -> dict[str, Any]:
    body["payout_revenue"][1]["is_default"] = True
    return body


def _same_alias(body: dict[str, Any]) -> dict[str, Any]:
    body["payout_revenue"][2]["event_alias"] = "upsell"
    return body


def _set(path: tuple[Any, ...], value: Any) -> Any:
    def change(body: dict[str, Any]) -> dict[str, Any]:
        target: Any = body
        for key in path[:-1]:
            target = target[key]
        if value is _DELETE:
            del target[path[-1]]
        else:
            target[path[-1]] = value
        return body

    return change


_DELETE = object()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (_set(("network_advertiser_id",), 9999), "network_advertiser_id"),
        (_set(("network_advertiser_id",), "seven"), "network_advertiser_id"),
        (_set(("destination_url",), "ftp://files.example/x"), "destination_url"),
        (_set(("destination_url",), "javascript:alert(1)"), "destination_url"),
        (_set(("destination_url",), "lp.example/no-scheme"), "destination_url"),
        (_set(("destination_url",), "https://{sub1}/landing"), "destination_url"),
        (_set(("destination_url",), "https://lp.example:{sub2}/"), "destination_url"),
        (_set(("destination_url",), "https://{sub1}@lp.example/"), "destination_url"),
        (_set(("server_side_url",), "https://{sub1}.lp.example/"), "server_side_url"),
        (_set(("preview_url",), "http{sub1}://lp.example/"), "preview_url"),
        (_set(("destination_url",), _DELETE), "destination_url"),
        (_set(("name",), _DELETE), "name"),
        (_set(("offer_status",), "live"), "offer_status"),
        (_set(("currency_id",), "XXX"), "currency_id"),
        (_set(("payout_revenue",), []), "payout_revenue"),
        (_set(("payout_revenue",), _DELETE), "payout_revenue"),
        (_set(("payout_revenue", 0, "payout_amount"), -1), "payout_revenue.0.payout_amount"),
        (_set(("payout_revenue", 0, "revenue_amount"), "ten"), "payout_revenue.0.revenue_amount"),
        (
            _set(("payout_revenue", 1, "payout_percentage"), 1.23456),
            "payout_revenue.1.payout_percentage",
        ),
        (_set(("payout_revenue", 0, "payout_type"), "cpl"), "payout_revenue.0.payout_type"),
        (_set(("payout_revenue", 0, "revenue_type"), _DELETE), "payout_revenue.0.revenue_type"),
        (_set(("payout_revenue", 1, "event_alias"), "a b"), "payout_revenue.1.event_alias"),
        (_set(("session_duration",), 0), "session_duration"),
        (_without_default, "payout_revenue"),
        (_two_defaults, "payout_revenue"),
        (_same_alias, "payout_revenue.2.event_alias"),
    ],
)
async def test_bad_offer_is_400_naming_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    db: Database,
    advertiser_id: int,
    change: Any,
    field: str,
) -> None:
    response = await client.post(
        URL, json=change(offer_body(advertiser_id)), headers=network_headers
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith(field), response.json()
    assert await _counts(db) == (0, 0)


async def test_window_minimum_above_maximum_is_refused(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, advertiser_id: int
) -> None:
    body = offer_body(
        advertiser_id,
        is_session_tracking_enabled=True,
        session_tracking_lifespan_hour=1,
        session_tracking_minimum_lifespan_second=3601,
    )
    response = await client.post(URL, json=body, headers=network_headers)
    assert response.status_code == 400
    assert response.json()["error"].startswith("session_tracking_minimum_lifespan_second")
    assert await _counts(db) == (0, 0)


async def test_put_with_a_foreign_entry_id_changes_nothing(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, advertiser_id: int
) -> None:
    other = await make_offer(db, advertiser_id=advertiser_id)
    foreign_id = other.payout_revenue[0].network_offer_payout_revenue_id
    created = (
        await client.post(URL, json=offer_body(advertiser_id), headers=network_headers)
    ).json()
    body = offer_body(advertiser_id, name="Changed")
    body["payout_revenue"][1]["network_offer_payout_revenue_id"] = foreign_id
    response = await client.put(
        f"{URL}/{created['network_offer_id']}", json=body, headers=network_headers
    )
    assert response.status_code == 400
    assert response.json()["error"].startswith("payout_revenue.1.network_offer_payout_revenue_id")
    after = await client.get(f"{URL}/{created['network_offer_id']}", headers=network_headers)
    assert after.json()["name"] == "Sample CPA"
    assert after.json()["relationship"] == {
        k: v for k, v in created["relationship"].items() if k != "advertiser"
    }


async def test_unknown_offer_is_404(
    client: httpx.AsyncClient, network_headers: dict[str, str], advertiser_id: int
) -> None:
    assert (await client.get(f"{URL}/4242", headers=network_headers)).status_code == 404
    put = await client.put(f"{URL}/4242", json=offer_body(advertiser_id), headers=network_headers)
    assert put.status_code == 404
    assert put.json() == {"Error": "offer 4242 not found", "error": "offer 4242 not found"}
