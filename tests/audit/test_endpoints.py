"""POST /v1/networks/auditoperations: Everflow's paging, filters in its report dialect,
400 naming the field for anything unknown, the network realm only."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from tests.audit.helpers import key_id_of
from tests.fixtures.factories import make_affiliate, make_key

URL = "/v1/networks/auditoperations"
AFFILIATES = "/v1/networks/affiliates"


def flt(kind: str, value: Any) -> dict[str, Any]:
    return {"resource_type": kind, "filter_id_value": value}


async def _search(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any], **params: Any
) -> dict[str, Any]:
    response = await client.post(URL, json=body, params=params, headers=headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
async def history(client: httpx.AsyncClient, network_headers: dict[str, str]) -> list[int]:
    """Three affiliates created, the second renamed, through the API."""
    made = []
    for name in ("One", "Two", "Three"):
        response = await client.post(AFFILIATES, json={"name": name}, headers=network_headers)
        assert response.status_code == 200, response.text
        made.append(int(response.json()["network_affiliate_id"]))
    renamed = await client.put(
        f"{AFFILIATES}/{made[1]}", json={"name": "Two bis"}, headers=network_headers
    )
    assert renamed.status_code == 200, renamed.text
    return made


async def test_lists_newest_first_with_everflow_paging(
    client: httpx.AsyncClient, network_headers: dict[str, str], history: list[int], db: Database
) -> None:
    body = {"query": {"filters": [flt("entity_type", "affiliate")]}}
    result = await _search(client, network_headers, body, page=1, page_size=3)
    assert result["paging"] == {"page": 1, "page_size": 3, "total_count": 4}
    first = result["audit_operations"][0]
    assert first["operation"] == "update"
    assert first["entity_id"] == str(history[1])
    assert (first["before"], first["after"]) == ({"name": "Two"}, {"name": "Two bis"})
    assert first["actor_type"] == "api_key"
    assert first["actor_id"] == await key_id_of(db, network_headers["X-Eflow-API-Key"])
    assert isinstance(first["time_operation"], int)
    assert first["network_audit_operation_id"] > 0
    last = await _search(client, network_headers, body, page=2, page_size=3)
    assert [op["entity_id"] for op in last["audit_operations"]] == [str(history[0])]
    ascending = await _search(
        client,
        network_headers,
        body,
        order_field="network_audit_operation_id",
        order_direction="asc",
    )
    assert [op["operation"] for op in ascending["audit_operations"]] == [
        "create",
        "create",
        "create",
        "update",
    ]


async def test_filters_by_entity_operation_actor_and_window(
    client: httpx.AsyncClient, network_headers: dict[str, str], history: list[int], db: Database
) -> None:
    one = await _search(
        client,
        network_headers,
        {"query": {"filters": [flt("entity_type", "affiliate"), flt("entity_id", history[1])]}},
    )
    assert [op["operation"] for op in one["audit_operations"]] == ["update", "create"]
    either = await _search(
        client,
        network_headers,
        {
            "query": {
                "filters": [
                    flt("entity_type", "affiliate"),
                    flt("entity_id", history[0]),
                    flt("entity_id", history[2]),
                ]
            }
        },
    )
    assert either["paging"]["total_count"] == 2
    updates = await _search(
        client, network_headers, {"query": {"filters": [flt("operation", "update")]}}
    )
    assert [op["entity_id"] for op in updates["audit_operations"]] == [str(history[1])]
    key_id = await key_id_of(db, network_headers["X-Eflow-API-Key"])
    mine = await _search(client, network_headers, {"query": {"filters": [flt("actor_id", key_id)]}})
    assert mine["paging"]["total_count"] == 4
    other = await make_key(db, "network")  # written by the system, not by the key
    systems = await _search(
        client, network_headers, {"query": {"filters": [flt("actor_type", "system")]}}
    )
    assert {op["entity_type"] for op in systems["audit_operations"]} == {"api_key"}
    assert other not in repr(systems)
    await make_affiliate(db)
    today = utcnow().date()
    window = {"from": str(today - timedelta(days=1)), "to": str(today), "timezone_id": 67}
    inside = await _search(client, network_headers, window)
    assert inside["paging"]["total_count"] >= 6
    future = {"from": str(today + timedelta(days=1)), "timezone_id": 80}
    assert (await _search(client, network_headers, future))["paging"]["total_count"] == 0


@pytest.mark.parametrize(
    ("body", "params", "field"),
    [
        ({"query": {"filters": [flt("colour", "red")]}}, {}, "query.filters.0.resource_type"),
        (
            {"query": {"filters": [flt("entity_type", "planet")]}},
            {},
            "query.filters.0.filter_id_value",
        ),
        ({"query": {"filters": [flt("actor_id", "x1")]}}, {}, "query.filters.0.filter_id_value"),
        (
            {"query": {"filters": [flt("operation", "explode")]}},
            {},
            "query.filters.0.filter_id_value",
        ),
        ({"from": "yesterday"}, {}, "from"),
        ({"from": "2026-12-02", "to": "2026-12-01"}, {}, "to"),
        ({"timezone_id": 1000}, {}, "timezone_id"),
        ({}, {"order_field": "name"}, "order_field"),
        ({}, {"order_direction": "up"}, "order_direction"),
        ({}, {"page_size": 0}, "page_size"),
    ],
)
async def test_bad_input_is_400_naming_the_field(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    body: dict[str, Any],
    params: dict[str, Any],
    field: str,
) -> None:
    response = await client.post(URL, json=body, params=params, headers=network_headers)
    assert response.status_code == 400, response.text
    data = response.json()
    assert data["Error"] == data["error"]
    assert field in data["error"]


async def test_only_network_keys_may_read_the_log(client: httpx.AsyncClient, db: Database) -> None:
    affiliate = await make_affiliate(db)
    affiliate_key = await make_key(db, "affiliate", affiliate.network_affiliate_id)
    assert (await client.post(URL, json={})).status_code == 401
    refused = await client.post(URL, json={}, headers={"X-Eflow-API-Key": affiliate_key})
    assert refused.status_code == 403
