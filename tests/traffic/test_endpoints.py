"""/v1/networks/trafficcontrols and /v1/networks/conversionthrottles: Everflow's shapes, and
bad input answered 400 in Everflow's error shape naming the field."""

from __future__ import annotations

from typing import Any

import httpx

from clicktrail.db import Database
from tests.fixtures.factories import make_affiliate, make_offer

CONTROLS = "/v1/networks/trafficcontrols"
THROTTLES = "/v1/networks/conversionthrottles"


def _body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Block Bad Sources",
        "status": "active",
        "control_type": "blacklist",
        "targeting_action": "block",
        "comparison_method": "exact_match",
        "is_apply_all_affiliates": True,
        "is_apply_all_offers": False,
        "variables": ["source_id", "sub3"],
        "network_offer_ids": [],
        "values": ["bad_source_1", "bad_source_2"],
    }
    body.update(fields)
    return body


async def test_traffic_control_round_trip(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    body = _body(network_offer_ids=[offer.network_offer_id], date_valid_to="2030-01-31")
    created = await client.post(CONTROLS, json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    control = created.json()
    control_id = control["network_traffic_control_id"]
    assert control["control_type"] == "blacklist"
    assert control["variables"] == ["source_id", "sub3"]
    assert control["date_valid_to"] == "2030-01-31"
    assert control["relationship"] == {
        "network_offer_ids": [offer.network_offer_id],
        "network_affiliate_ids": None,
        "network_advertiser_ids": None,
        "values": ["bad_source_1", "bad_source_2"],
    }
    body.update(network_traffic_control_id=control_id, status="inactive", values=["x"])
    replaced = await client.put(f"{CONTROLS}/{control_id}", json=body, headers=network_headers)
    assert replaced.status_code == 200, replaced.text
    fetched = (await client.get(f"{CONTROLS}/{control_id}", headers=network_headers)).json()
    assert (fetched["status"], fetched["relationship"]["values"]) == ("inactive", ["x"])
    listed = (await client.get(CONTROLS, headers=network_headers)).json()
    assert [c["network_traffic_control_id"] for c in listed["traffic_controls"]] == [control_id]
    assert listed["paging"]["total_count"] == 1
    deleted = await client.delete(f"{CONTROLS}/{control_id}", headers=network_headers)
    assert deleted.json() == {"result": True}
    missing = await client.get(f"{CONTROLS}/{control_id}", headers=network_headers)
    assert missing.status_code == 404


async def _bad(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], field: str
) -> str:
    response = await client.post(CONTROLS, json=body, headers=headers)
    assert response.status_code == 400, response.text
    payload = response.json()
    assert set(payload) >= {"Error", "error"}
    assert field in payload["error"], payload
    return str(payload["error"])


async def test_bad_traffic_controls_are_400s_naming_the_field(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    oid = [offer.network_offer_id]
    h = network_headers
    message = await _bad(
        client, h, _body(network_offer_ids=oid, variables=["ip"], values=["10.0.0.0/33"]), "values"
    )
    assert "10.0.0.0/33" in message
    await _bad(
        client, h, _body(network_offer_ids=oid, variables=["ip"], values=["10.0.0.1/8"]), "values"
    )
    await _bad(client, h, _body(network_offer_ids=[999_999]), "network_offer_ids")
    await _bad(client, h, _body(), "network_offer_ids")  # no offers named, not all offers
    await _bad(
        client,
        h,
        _body(network_offer_ids=oid, is_apply_all_affiliates=False, network_affiliate_ids=[7]),
        "network_affiliate_ids",
    )
    await _bad(client, h, _body(network_offer_ids=oid, sub_ids=["x"]), "sub_ids")
    await _bad(client, h, _body(network_offer_ids=oid, variables=["cookie"]), "variables")
    await _bad(
        client, h, _body(network_offer_ids=oid, comparison_method="regex"), "comparison_method"
    )
    await _bad(
        client, h, _body(network_offer_ids=oid, date_valid_from="2030-13-01"), "date_valid_from"
    )
    await _bad(
        client,
        h,
        _body(network_offer_ids=oid, comparison_method="contains", values=["v"] * 101),
        "values",
    )
    await _bad(client, h, _body(network_offer_ids=oid, values=[]), "values")
    listed = (await client.get(CONTROLS, headers=h)).json()
    assert listed["traffic_controls"] == []  # nothing was stored


async def test_conversion_throttles_crud_and_conflicts(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    body = {"network_offer_id": offer.network_offer_id, "throttle_percentage": 12.5}
    created = await client.post(THROTTLES, json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    throttle = created.json()
    assert (throttle["network_affiliate_id"], throttle["throttle_percentage"]) == (0, 12.5)
    again = await client.post(THROTTLES, json=body, headers=network_headers)
    assert again.status_code == 409
    own = {
        **body,
        "network_affiliate_id": affiliate.network_affiliate_id,
        "throttle_percentage": 50,
    }
    assert (await client.post(THROTTLES, json=own, headers=network_headers)).status_code == 200
    for bad, field in (
        ({**body, "throttle_percentage": 101}, "throttle_percentage"),
        ({**body, "network_offer_id": 999_999}, "network_offer_id"),
        ({**body, "network_affiliate_id": 999_999}, "network_affiliate_id"),
        ({**body, "percent": 5}, "percent"),
    ):
        response = await client.post(THROTTLES, json=bad, headers=network_headers)
        assert response.status_code == 400, response.text
        assert field in response.json()["error"]
    throttle_id = throttle["network_conversion_throttle_id"]
    replaced = await client.put(
        f"{THROTTLES}/{throttle_id}",
        json={**body, "throttle_percentage": 30, "status": "inactive"},
        headers=network_headers,
    )
    assert replaced.json()["throttle_percentage"] == 30
    listed = (await client.get(THROTTLES, headers=network_headers)).json()
    assert listed["paging"]["total_count"] == 2
    deleted = await client.delete(f"{THROTTLES}/{throttle_id}", headers=network_headers)
    assert deleted.json() == {"result": True}
    gone = await client.get(f"{THROTTLES}/{throttle_id}", headers=network_headers)
    assert gone.status_code == 404
