from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.models import Advertiser

URL = "/v1/networks/advertisers"


async def _count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Advertiser)) or 0)


async def test_create_then_get_round_trips_every_field(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    body = {
        "name": "Brand B",
        "account_status": "active",
        "network_employee_id": 2,
        "default_currency_id": "eur",
        "reporting_timezone_id": 80,
        "attribution_method": "first_touch",
        "verification_token": "s3cr3tToken",
        "offer_id_macro": "oid",
        "affiliate_id_macro": "affid",
        "is_contact_address_enabled": True,
        "contact_address": {"address_1": "1 Main St", "city": "Austin", "country_code": "us"},
        "labels": ["tier-1", "direct"],
        "users": [{"first_name": "ignored"}],
    }
    created = await client.post(URL, json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    data = created.json()
    advertiser_id = data["network_advertiser_id"]
    assert data["default_currency_id"] == "EUR"
    assert data["contact_address"]["country_code"] == "US"
    assert data["relationship"]["labels"] == {"total": 2, "entries": ["tier-1", "direct"]}
    assert isinstance(data["time_created"], int)
    assert data["time_created"] > 1_600_000_000

    fetched = await client.get(f"{URL}/{advertiser_id}", headers=network_headers)
    assert fetched.status_code == 200
    assert fetched.json() == data
    async with db.read() as session:
        row = await session.get(Advertiser, advertiser_id)
    assert row is not None
    assert (row.name, row.reporting_timezone_id, row.verification_token) == (
        "Brand B",
        80,
        "s3cr3tToken",
    )


async def test_put_replaces_and_omitted_fields_revert(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    created = await client.post(
        URL,
        json={"name": "Old", "internal_notes": "keep?", "attribution_method": "first_touch"},
        headers=network_headers,
    )
    advertiser_id = created.json()["network_advertiser_id"]
    replaced = await client.put(
        f"{URL}/{advertiser_id}", json={"name": "New"}, headers=network_headers
    )
    assert replaced.status_code == 200
    data = replaced.json()
    assert data["name"] == "New"
    assert data["internal_notes"] == ""
    assert data["attribution_method"] == "last_touch"
    assert data["time_saved"] >= data["time_created"]


async def test_list_pages_with_everflow_paging(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    for i in range(5):
        await client.post(URL, json={"name": f"A{i}"}, headers=network_headers)
    page = await client.get(
        URL, params={"page": 2, "page_size": 2, "whatever": "x"}, headers=network_headers
    )
    assert page.status_code == 200
    body = page.json()
    assert body["paging"] == {"page": 2, "page_size": 2, "total_count": 5}
    assert [a["name"] for a in body["advertisers"]] == ["A2", "A3"]
    beyond = await client.get(URL, params={"page": 9}, headers=network_headers)
    assert beyond.json()["advertisers"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": "  "}, "name"),
        ({"name": 5}, "name"),
        ({"name": "x", "default_currency_id": "XYZ"}, "default_currency_id"),
        ({"name": "x", "reporting_timezone_id": 100}, "reporting_timezone_id"),
        ({"name": "x", "account_status": "gone"}, "account_status"),
        ({"name": "x", "network_employee_id": -1}, "network_employee_id"),
        ({"name": "x", "network_employee_id": 2**40}, "network_employee_id"),
        ({"name": "x", "verification_token": "has space"}, "verification_token"),
        ({"name": "x" * 256}, "name"),
        ({"name": "nul\x00byte"}, "name"),
        ({"name": "x", "contact_address": {"country_code": "ZZ"}}, "contact_address.country_code"),
        ({"name": "x", "platform_url": "ftp://example.com"}, "platform_url"),
        ({"name": "x", "platform_url": "https://{sub1}/"}, "platform_url"),
    ],
)
async def test_bad_input_is_400_naming_the_field_and_writes_nothing(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    db: Database,
    body: dict[str, object],
    field: str,
) -> None:
    response = await client.post(URL, json=body, headers=network_headers)
    assert response.status_code == 400, response.text
    error = response.json()
    assert error["Error"] == error["error"]
    assert error["error"].startswith(field), error
    assert await _count(db) == 0


async def test_malformed_json_is_400(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    response = await client.post(
        URL,
        content=b'{"name": "x",',
        headers={**network_headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "malformed JSON" in response.json()["error"]
    assert await _count(db) == 0


async def test_unknown_ids_are_404(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    for path in (f"{URL}/999", f"{URL}/0", f"{URL}/{2**40}"):
        response = await client.get(path, headers=network_headers)
        assert response.status_code == 404, path
        assert response.json()["error"] == "advertiser " + path.rsplit("/", 1)[1] + " not found"
    put = await client.put(f"{URL}/999", json={"name": "x"}, headers=network_headers)
    assert put.status_code == 404


async def test_non_json_bodies_are_400_with_a_hint(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    form = await client.post(URL, data={"name": "x"}, headers=network_headers)
    assert form.status_code == 400
    assert "Content-Type: application/json" in form.json()["error"]
    array = await client.post(URL, json=[{"name": "x"}], headers=network_headers)
    assert array.status_code == 400
    assert array.json()["error"].startswith("body")
    assert await _count(db) == 0
