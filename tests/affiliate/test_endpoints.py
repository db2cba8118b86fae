from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.models import Affiliate

URL = "/v1/networks/affiliates"


async def _count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Affiliate)) or 0)


async def test_create_get_put_list(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    created = await client.post(
        URL,
        json={
            "name": "Partner A",
            "account_status": "active",
            "network_employee_id": 2,
            "default_currency_id": "USD",
            "labels": ["tier-1"],
            "contact_address": {"city": "Lyon", "country_code": "FR", "address_2": None},
        },
        headers=network_headers,
    )
    assert created.status_code == 200, created.text
    data = created.json()
    affiliate_id = data["network_affiliate_id"]
    assert data["relationship"]["labels"] == {"total": 1, "entries": ["tier-1"]}
    assert data["contact_address"]["address_2"] == ""
    assert (await client.get(f"{URL}/{affiliate_id}", headers=network_headers)).json() == data

    second = await client.post(
        URL, json={"name": "Sub-partner", "referrer_id": affiliate_id}, headers=network_headers
    )
    assert second.json()["referrer_id"] == affiliate_id

    replaced = await client.put(
        f"{URL}/{affiliate_id}",
        json={"name": "Partner A2", "account_status": "inactive"},
        headers=network_headers,
    )
    assert replaced.status_code == 200
    assert (replaced.json()["name"], replaced.json()["account_status"]) == (
        "Partner A2",
        "inactive",
    )
    assert replaced.json()["relationship"]["labels"]["total"] == 0
    async with db.read() as session:
        row = await session.get(Affiliate, affiliate_id)
    assert row is not None
    assert row.account_status == "inactive"

    listed = await client.get(URL, params={"page_size": 1, "page": 2}, headers=network_headers)
    assert listed.json()["paging"] == {"page": 2, "page_size": 1, "total_count": 2}
    assert [a["name"] for a in listed.json()["affiliates"]] == ["Sub-partner"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": None}, "name"),
        ({"name": "x", "account_status": "deleted"}, "account_status"),
        ({"name": "x", "default_currency_id": "DOGE"}, "default_currency_id"),
        ({"name": "x", "referrer_id": 777}, "referrer_id"),
        ({"name": "x", "labels": "tier-1"}, "labels"),
        (
            {"name": "x", "enable_media_cost_tracking_links": "maybe"},
            "enable_media_cost_tracking_links",
        ),
    ],
)
async def test_bad_affiliate_is_400_and_writes_nothing(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    db: Database,
    body: dict[str, object],
    field: str,
) -> None:
    response = await client.post(URL, json=body, headers=network_headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith(field)
    assert await _count(db) == 0


async def test_bad_paging_is_400_and_unknown_affiliate_404(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    for params, field in (({"page": 0}, "page"), ({"page_size": 5000}, "page_size")):
        response = await client.get(URL, params=params, headers=network_headers)
        assert response.status_code == 400
        assert response.json()["error"].startswith(field)
    response = await client.get(f"{URL}/abc", headers=network_headers)
    assert response.status_code == 400
    assert response.json()["error"].startswith("affiliate_id")
    assert (await client.get(f"{URL}/31337", headers=network_headers)).status_code == 404
    self_ref = await client.post(URL, json={"name": "me"}, headers=network_headers)
    me = self_ref.json()["network_affiliate_id"]
    loop = await client.put(
        f"{URL}/{me}", json={"name": "me", "referrer_id": me}, headers=network_headers
    )
    assert loop.status_code == 400
    assert loop.json()["error"].startswith("referrer_id")
