"""Caps on the offer API and the custom caps API: stored, returned, 400s naming the field."""

from __future__ import annotations

import httpx

from clicktrail.db import Database
from tests.caps.helpers import postbacks, set_caps
from tests.fixtures.factories import make_advertiser, make_affiliate, make_offer
from tests.offer.test_endpoints import offer_body

CAPS = "/v1/networks/custom/caps"


async def test_offer_caps_round_trip(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    advertiser = await make_advertiser(db)
    body = offer_body(
        advertiser.network_advertiser_id,
        is_caps_enabled=True,
        daily_conversion_cap=10,
        weekly_click_cap=500,
        monthly_payout_cap=250.5,
    )
    created = await client.post("/v1/networks/offers", json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    offer = created.json()
    assert offer["is_caps_enabled"] is True
    assert (offer["daily_conversion_cap"], offer["weekly_click_cap"]) == (10, 500)
    assert (offer["monthly_payout_cap"], offer["global_revenue_cap"]) == (250.5, 0)
    fetched = await client.get(
        f"/v1/networks/offers/{offer['network_offer_id']}", headers=network_headers
    )
    assert fetched.json()["daily_conversion_cap"] == 10
    replaced = await client.put(
        f"/v1/networks/offers/{offer['network_offer_id']}",
        json=offer_body(advertiser.network_advertiser_id),
        headers=network_headers,
    )
    assert (replaced.json()["is_caps_enabled"], replaced.json()["daily_conversion_cap"]) == (
        False,
        0,
    )
    bad = await client.post(
        "/v1/networks/offers",
        json=offer_body(advertiser.network_advertiser_id, daily_conversion_cap=-1),
        headers=network_headers,
    )
    assert bad.status_code == 400
    assert "daily_conversion_cap" in bad.json()["Error"]


async def test_custom_caps_crud(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    other = await make_affiliate(db)
    body = {
        "network_offer_id": offer.network_offer_id,
        "network_affiliate_id": affiliate.network_affiliate_id,
        "name": "Partner cap",
        "is_soft_cap": False,
        "monthly_click_cap": 23,
        "daily_payout_cap": 12.5,
    }
    created = await client.post(CAPS, json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    setting = created.json()
    setting_id = setting["network_custom_cap_setting_id"]
    assert (setting["monthly_click_cap"], setting["daily_payout_cap"]) == (23, 12.5)
    assert setting["daily_conversion_cap"] == 0
    assert setting["relationship"]["offer"]["network_offer_id"] == offer.network_offer_id
    assert setting["relationship"]["affiliate"]["name"] == affiliate.name

    second = await client.post(
        CAPS,
        json=body | {"network_affiliate_id": other.network_affiliate_id, "is_soft_cap": True},
        headers=network_headers,
    )
    listed = await client.get(
        CAPS,
        params={"filter[network_affiliate_id]": other.network_affiliate_id},
        headers=network_headers,
    )
    assert [s["network_custom_cap_setting_id"] for s in listed.json()["custom_cap_settings"]] == [
        second.json()["network_custom_cap_setting_id"]
    ]
    assert listed.json()["paging"]["total_count"] == 1

    replaced = await client.put(
        f"{CAPS}/{setting_id}", json=body | {"daily_conversion_cap": 5}, headers=network_headers
    )
    assert (replaced.json()["daily_conversion_cap"], replaced.json()["monthly_click_cap"]) == (
        5,
        23,
    )
    patched = await client.patch(
        CAPS,
        json={
            "network_custom_cap_setting_ids": [setting_id],
            "fields": [{"field_type": "daily_conversion_cap", "field_value": 150}],
        },
        headers=network_headers,
    )
    assert patched.json() == {"result": True}
    fetched = await client.get(f"{CAPS}/{setting_id}", headers=network_headers)
    assert fetched.json()["daily_conversion_cap"] == 150

    deleted = await client.delete(f"{CAPS}/{setting_id}", headers=network_headers)
    assert deleted.json() == {"result": True}
    gone = await client.get(f"{CAPS}/{setting_id}", headers=network_headers)
    assert gone.status_code == 404


async def test_bad_custom_caps_are_400_naming_the_field(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    good = {
        "network_offer_id": offer.network_offer_id,
        "network_affiliate_id": affiliate.network_affiliate_id,
    }
    cases = [
        (good | {"daily_conversion_cap": -1}, "daily_conversion_cap"),
        (good | {"weekly_revenue_cap": -0.5}, "weekly_revenue_cap"),
        (good | {"network_offer_id": 99999}, "network_offer_id"),
        (good | {"network_affiliate_id": 99999}, "network_affiliate_id"),
        ({"network_offer_id": offer.network_offer_id}, "network_affiliate_id"),
    ]
    for body, field in cases:
        response = await client.post(CAPS, json=body, headers=network_headers)
        assert response.status_code == 400, (body, response.text)
        assert field in response.json()["Error"], (field, response.json())
    assert (await client.post(CAPS, json=good, headers=network_headers)).status_code == 200
    twice = await client.post(CAPS, json=good, headers=network_headers)
    assert twice.status_code == 400
    assert "network_affiliate_id" in twice.json()["Error"]
    bulk = await client.patch(
        CAPS,
        json={
            "network_custom_cap_setting_ids": [424242],
            "fields": [{"field_type": "daily_click_cap", "field_value": 1}],
        },
        headers=network_headers,
    )
    assert bulk.status_code == 400
    assert "network_custom_cap_setting_ids" in bulk.json()["Error"]
    fraction = await client.patch(
        CAPS,
        json={
            "network_custom_cap_setting_ids": [1],
            "fields": [{"field_type": "daily_click_cap", "field_value": 1.5}],
        },
        headers=network_headers,
    )
    assert fraction.status_code == 400
    assert "field_value" in fraction.json()["Error"]


async def test_cap_report_shows_usage_against_each_limit(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    offer = await make_offer(db, name="Capped")  # payout 5 per conversion
    affiliate = await make_affiliate(db)
    await set_caps(db, offer, daily_conversion_cap=4, global_payout_cap=100)
    await postbacks(db, offer, affiliate, 3)
    await make_offer(db, name="Uncapped")

    response = await client.post(
        "/v1/networks/reporting/caps/offer", json={"timezone_id": 67}, headers=network_headers
    )
    assert response.status_code == 200, response.text
    caps = {(c["period"], c["cap_type"]): c for c in response.json()["caps"]}
    assert set(caps) == {("daily", "conversion"), ("global", "payout")}
    daily = caps[("daily", "conversion")]
    assert (daily["offer_name"], daily["limit"], daily["current"], daily["remaining"]) == (
        "Capped",
        4,
        3,
        1,
    )
    assert (daily["percentage_used"], daily["is_reached"]) == (75.0, False)
    assert (caps[("global", "payout")]["current"], caps[("global", "payout")]["limit"]) == (
        15,
        100,
    )
    bad = await client.post(
        "/v1/networks/reporting/caps/offer", json={"timezone_id": 5000}, headers=network_headers
    )
    assert bad.status_code == 400
    assert "timezone_id" in bad.json()["Error"]
