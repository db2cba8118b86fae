from __future__ import annotations

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.models import Network


async def test_network_info_has_both_spellings(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    for path in ("/v1/networks", "/v1/networks/info"):
        response = await client.get(path, headers=network_headers)
        assert response.status_code == 200
        body = response.json()
        assert body["network_id"] == 1
        assert body["timezone_id"] == body["reporting_timezone_id"] == 67
        assert body["currency_id"] == body["default_currency_id"] == "USD"
        assert body["fallback_url"] == ""


async def test_put_updates_only_given_settings(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    response = await client.put(
        "/v1/networks/info",
        json={
            "reporting_timezone_id": 90,
            "default_currency_id": "gbp",
            "fallback_url": "https://network.example/oops",
        },
        headers=network_headers,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["timezone_id"], body["currency_id"]) == (90, "GBP")
    assert body["name"] == "clicktrail"
    again = await client.put("/v1/networks", json={"timezone_id": 80}, headers=network_headers)
    assert again.json()["currency_id"] == "GBP"
    assert again.json()["fallback_url"] == "https://network.example/oops"
    cleared = await client.put("/v1/networks", json={"fallback_url": None}, headers=network_headers)
    assert cleared.json()["fallback_url"] == ""
    async with db.read() as session:
        row = await session.get(Network, 1)
    assert row is not None
    assert (row.timezone_id, row.currency_id, row.fallback_url) == (80, "GBP", None)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"timezone_id": 0}, "timezone_id"),
        ({"reporting_timezone_id": "UTC"}, "reporting_timezone_id"),
        ({"currency_id": "ABC"}, "currency_id"),
        ({"fallback_url": "not a url"}, "fallback_url"),
        ({"fallback_url": "https://{sub1}/"}, "fallback_url"),
        ({"fallback_url": "https://network.example/" + "x" * 2048}, "fallback_url"),
        ({"timezone_id": 67, "reporting_timezone_id": 80}, "reporting_timezone_id"),
        ({"currency_id": "USD", "default_currency_id": "EUR"}, "default_currency_id"),
    ],
)
async def test_bad_settings_are_400_and_change_nothing(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    body: dict[str, object],
    field: str,
) -> None:
    response = await client.put("/v1/networks", json=body, headers=network_headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"].startswith(field)
    current = (await client.get("/v1/networks", headers=network_headers)).json()
    assert (current["timezone_id"], current["currency_id"]) == (67, "USD")
