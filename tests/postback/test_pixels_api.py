"""Pixel endpoints, network and affiliate realms, and their 400s."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from clicktrail.db import Database
from tests.fixtures.factories import make_key
from tests.postback.conftest import World


def _body(world: World, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "network_affiliate_id": world.affiliate.network_affiliate_id,
        "network_offer_id": world.offer.network_offer_id,
        "delivery_method": "postback",
        "pixel_level": "specific",
        "pixel_status": "active",
        "pixel_type": "conversion",
        "postback_url": "https://partner.example/pb?tid={transaction_id}",
        "description": "Conversion postback",
        "delay_ms": 1500,
    }
    body.update(fields)
    return body


async def test_network_pixel_crud(
    client: httpx.AsyncClient, network_headers: dict[str, str], world: World
) -> None:
    created = await client.post("/v1/networks/pixels", json=_body(world), headers=network_headers)
    assert created.status_code == 200, created.text
    pixel = created.json()
    pixel_id = pixel["network_pixel_id"]
    assert pixel["network_affiliate_id"] == world.affiliate.network_affiliate_id
    assert pixel["network_offer_id"] == world.offer.network_offer_id
    assert pixel["pixel_level"] == "specific"
    assert pixel["delay_ms"] == 1500
    assert pixel["relationship"]["offer"]["name"] == "Example Offer"
    assert pixel["relationship"]["affiliate"]["name"] == "John Doe Inc."

    got = await client.get(f"/v1/networks/pixels/{pixel_id}", headers=network_headers)
    assert got.json()["postback_url"] == "https://partner.example/pb?tid={transaction_id}"

    changed = await client.put(
        f"/v1/networks/pixels/{pixel_id}",
        json=_body(world, pixel_status="inactive", delay_ms=0),
        headers=network_headers,
    )
    assert changed.status_code == 200
    assert changed.json()["pixel_status"] == "inactive"

    listed = await client.get(
        "/v1/networks/pixels?filter=pixel_status=inactive", headers=network_headers
    )
    assert [p["network_pixel_id"] for p in listed.json()["pixels"]] == [pixel_id]
    none = await client.get("/v1/networks/pixels?pixel_status=active", headers=network_headers)
    assert none.json()["pixels"] == []

    deleted = await client.delete(f"/v1/networks/pixels/{pixel_id}", headers=network_headers)
    assert deleted.json() == {"result": True}
    gone = await client.get(f"/v1/networks/pixels/{pixel_id}", headers=network_headers)
    assert gone.status_code == 404


async def test_affiliate_manages_only_its_own_pixels(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database, world: World
) -> None:
    mine = {
        "X-Eflow-API-Key": await make_key(db, "affiliate", world.affiliate.network_affiliate_id)
    }
    other = await client.post(
        "/v1/networks/pixels",
        json=_body(
            world,
            pixel_level="global",
            network_offer_id=0,
            network_affiliate_id=world.other_affiliate.network_affiliate_id,
        ),
        headers=network_headers,
    )
    other_id = other.json()["network_pixel_id"]

    created = await client.post(
        "/v1/affiliates/pixels",
        json={
            "delivery_method": "postback",
            "pixel_level": "global",
            "pixel_status": "active",
            "pixel_type": "post_conversion",
            "postback_url": "https://me.example/pb?e={event_id}",
            "network_affiliate_id": world.other_affiliate.network_affiliate_id,  # ignored
        },
        headers=mine,
    )
    assert created.status_code == 200, created.text
    assert created.json()["network_affiliate_id"] == world.affiliate.network_affiliate_id
    assert created.json()["pixel_type"] == "event"
    my_id = created.json()["network_pixel_id"]

    listed = await client.get("/v1/affiliates/pixels", headers=mine)
    assert [p["network_pixel_id"] for p in listed.json()["pixels"]] == [my_id]
    assert (await client.get(f"/v1/affiliates/pixels/{other_id}", headers=mine)).status_code == 404
    put = await client.put(
        f"/v1/affiliates/pixels/{other_id}",
        json={"pixel_level": "global", "postback_url": "https://x.example/"},
        headers=mine,
    )
    assert put.status_code == 404
    assert (
        await client.delete(f"/v1/affiliates/pixels/{other_id}", headers=mine)
    ).status_code == 404
    still = await client.get(f"/v1/networks/pixels/{other_id}", headers=network_headers)
    assert still.status_code == 200
    assert (await client.delete(f"/v1/affiliates/pixels/{my_id}", headers=mine)).json() == {
        "result": True
    }
    # A network key is out of the affiliate realm.
    assert (await client.get("/v1/affiliates/pixels", headers=network_headers)).status_code == 403


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"postback_url": "ftp://partner.example/pb"}, "postback_url"),
        ({"postback_url": "javascript:alert(1)"}, "postback_url"),
        ({"postback_url": ""}, "postback_url"),
        ({"postback_url": "http://{sub1}:8080/pb"}, "postback_url"),
        ({"postback_url": "https://partner.example{sub1}/pb"}, "postback_url"),
        ({"network_affiliate_id": 999999}, "network_affiliate_id"),
        ({"network_offer_id": 999999}, "network_offer_id"),
        ({"delay_ms": 300001}, "delay_ms"),
        ({"delay_ms": -1}, "delay_ms"),
        ({"pixel_type": "cpc"}, "pixel_type"),
        ({"delivery_method": "facebook"}, "delivery_method"),
        ({"pixel_level": "everywhere"}, "pixel_level"),
        ({"delivery_method": "html", "html_code": ""}, "html_code"),
        ({"network_offer_payout_revenue_id": 77}, "network_offer_payout_revenue_id"),
        ({"network_offer_id": 2**40}, "network_offer_id"),
        ({"postback_url": "http://10.0.0.1/pb"}, "postback_url"),
    ],
)
async def test_bad_pixels_are_400_naming_the_field(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    world: World,
    settings: Any,
    fields: dict[str, Any],
    field: str,
) -> None:
    if fields.get("postback_url") == "http://10.0.0.1/pb":
        settings.postback_allow_private = False
    response = await client.post(
        "/v1/networks/pixels", json=_body(world, **fields), headers=network_headers
    )
    assert response.status_code == 400, response.text
    assert field in response.json()["Error"]
    listed = await client.get("/v1/networks/pixels", headers=network_headers)
    assert listed.json()["pixels"] == []


async def test_unknown_pixel_and_bad_filters(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    assert (await client.get("/v1/networks/pixels/42", headers=network_headers)).status_code == 404
    huge = await client.get(f"/v1/networks/pixels/{2**40}", headers=network_headers)
    assert huge.status_code == 400
    bad = await client.get("/v1/networks/pixels?filter=colour=red", headers=network_headers)
    assert bad.status_code == 400
    assert "filter" in bad.json()["Error"]
    assert (await client.get("/v1/networks/pixels")).status_code == 401


async def test_affiliate_pixel_with_a_macro_in_its_host_is_400(
    client: httpx.AsyncClient, db: Database, world: World
) -> None:
    mine = {
        "X-Eflow-API-Key": await make_key(db, "affiliate", world.affiliate.network_affiliate_id)
    }
    body = {"pixel_level": "global", "postback_url": "https://{sub1}/pb?t={transaction_id}"}
    refused = await client.post("/v1/affiliates/pixels", json=body, headers=mine)
    assert refused.status_code == 400
    assert refused.json()["Error"].startswith("postback_url must not have a macro in its")
    created = await client.post(
        "/v1/affiliates/pixels",
        json={"pixel_level": "global", "postback_url": "https://me.example/pb?s={sub1}"},
        headers=mine,
    )
    assert created.status_code == 200, created.text
    pixel_id = created.json()["network_pixel_id"]
    put = await client.put(f"/v1/affiliates/pixels/{pixel_id}", json=body, headers=mine)
    assert put.status_code == 400
    assert "postback_url" in put.json()["Error"]
    got = await client.get(f"/v1/affiliates/pixels/{pixel_id}", headers=mine)
    assert got.json()["postback_url"] == "https://me.example/pb?s={sub1}"
