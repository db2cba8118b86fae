"""Offer rulesets and the fail-traffic redirect on /v1/networks/offers: stored, returned,
bad input a 400 naming the field."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.models import Offer
from tests.fixtures.factories import make_advertiser, make_offer

URL = "/v1/networks/offers"


def body_of(advertiser_id: int, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "network_advertiser_id": advertiser_id,
        "name": "Targeted",
        "destination_url": "https://lp.example/?click={transaction_id}",
        "offer_status": "active",
        "payout_revenue": [
            {"payout_type": "cpa", "revenue_type": "rpa", "is_default": True, "payout_amount": 1}
        ],
    }
    body.update(overrides)
    return body


RULESET = {
    "countries": [
        {"country_code": "us", "targeting_type": "include", "match_type": "exact"},
        {"country_code": "CA", "targeting_type": "include"},
    ],
    "regions": [
        {"country_code": "US", "region_code": "tx", "label": "Texas", "targeting_type": "exclude"}
    ],
    "device_types": [{"label": "mobile", "targeting_type": "include"}],
    "platforms": [{"label": "Windows", "targeting_type": "exclude"}],
    "browsers": [],
    "connection_types": [{"label": "cellular", "targeting_type": "include"}],
    "cities": [],
    "is_block_proxy": True,
}


@pytest.fixture
async def advertiser_id(db: Database) -> int:
    return (await make_advertiser(db)).network_advertiser_id


async def test_ruleset_and_fail_traffic_are_stored_and_returned(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, advertiser_id: int
) -> None:
    backup = await make_offer(db, advertiser_id=advertiser_id)
    body = body_of(
        advertiser_id,
        ruleset=RULESET,
        is_fail_traffic_enabled=True,
        redirect_routing_method="internal",
        redirect_internal_routing_type="priority",
        internal_redirects=[
            {"redirect_network_offer_id": backup.network_offer_id, "routing_value": 1}
        ],
    )
    created = await client.post(URL, json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    offer_id = created.json()["network_offer_id"]
    fetched = (await client.get(f"{URL}/{offer_id}", headers=network_headers)).json()
    ruleset = fetched["relationship"]["ruleset"]
    assert ruleset["countries"] == [
        {
            "country_code": "US",
            "label": "United States",
            "targeting_type": "include",
            "match_type": "exact",
        },
        {
            "country_code": "CA",
            "label": "Canada",
            "targeting_type": "include",
            "match_type": "exact",
        },
    ]
    assert ruleset["regions"][0] == {
        "country_code": "US",
        "region_code": "TX",
        "label": "Texas",
        "targeting_type": "exclude",
        "match_type": "exact",
    }
    assert ruleset["device_types"] == [
        {"label": "Mobile", "targeting_type": "include", "match_type": "exact"}
    ]
    assert ruleset["connection_types"][0]["label"] == "Cellular"
    assert ruleset["is_block_proxy"] is True
    assert ruleset["cities"] == []
    assert ruleset["is_use_day_parting"] is False
    assert fetched["is_fail_traffic_enabled"] is True
    assert fetched["redirect_routing_method"] == "internal"
    assert fetched["internal_redirects"] == [
        {
            "redirect_network_offer_id": backup.network_offer_id,
            "routing_value": 1,
            "redirect_network_offer_group_id": 0,
        }
    ]

    # What GET answers goes back on PUT unchanged (Everflow's full-replace round trip).
    again = body_of(
        advertiser_id,
        ruleset=ruleset,
        **{
            k: fetched[k]
            for k in (
                "is_fail_traffic_enabled",
                "redirect_routing_method",
                "redirect_internal_routing_type",
                "internal_redirects",
                "fail_traffic_url",
            )
        },
    )
    replaced = await client.put(f"{URL}/{offer_id}", json=again, headers=network_headers)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["relationship"]["ruleset"] == ruleset

    # A PUT without them clears both: no rule, fail traffic off.
    cleared = await client.put(
        f"{URL}/{offer_id}", json=body_of(advertiser_id), headers=network_headers
    )
    assert cleared.status_code == 200
    async with db.read() as session:
        stored = await session.get(Offer, offer_id)
    assert stored is not None
    assert stored.ruleset is None
    assert stored.internal_redirects is None
    assert stored.is_fail_traffic_enabled is False
    assert cleared.json()["relationship"]["ruleset"]["countries"] == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"ruleset": {"countries": [{"country_code": "XX", "targeting_type": "include"}]}},
            "ruleset.countries.0.country_code",
        ),
        (
            {"ruleset": {"countries": [{"country_id": 227, "targeting_type": "include"}]}},
            "ruleset.countries.0.country_code",
        ),
        (
            {"ruleset": {"countries": [{"country_code": "US", "targeting_type": "maybe"}]}},
            "ruleset.countries.0.targeting_type",
        ),
        (
            {"ruleset": {"platforms": [{"label": "Plan 9", "targeting_type": "include"}]}},
            "ruleset.platforms.0.label",
        ),
        (
            {
                "ruleset": {
                    "regions": [
                        {"country_code": "US", "region_code": "C A", "targeting_type": "include"}
                    ]
                }
            },
            "ruleset.regions.0.region_code",
        ),
        ({"ruleset": {"cities": [{"city_id": 1, "targeting_type": "include"}]}}, "ruleset.cities"),
        (
            {"is_fail_traffic_enabled": True, "redirect_routing_method": "external"},
            "fail_traffic_url",
        ),
        (
            {"is_fail_traffic_enabled": True, "redirect_routing_method": "internal"},
            "internal_redirects",
        ),
        ({"internal_redirects": [{"redirect_network_offer_id": 999999}]}, "internal_redirects"),
    ],
)
async def test_bad_rulesets_and_redirects_are_400_naming_the_field(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    db: Database,
    advertiser_id: int,
    overrides: dict[str, Any],
    field: str,
) -> None:
    response = await client.post(
        URL, json=body_of(advertiser_id, **overrides), headers=network_headers
    )
    assert response.status_code == 400, response.text
    assert field in response.json()["Error"]
    listed = await client.get(URL, headers=network_headers)
    assert listed.json()["paging"]["total_count"] == 0
