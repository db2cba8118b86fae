"""Network settings in the console: admins only, the API's rules, errors beside the field."""

from __future__ import annotations

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.models import Network
from tests.fixtures.web import csrf, sign_in_as


async def _network(db: Database) -> Network:
    async with db.read() as session:
        network = await session.get(Network, 1)
        assert network is not None
        return network


def _form(token: str, **changes: str) -> dict[str, str]:
    values = {
        "csrf_token": token,
        "name": "Acme Network",
        "timezone_id": "80",
        "currency_id": "GBP",
        "fallback_url": "https://acme.example/oops",
    }
    values.update(changes)
    return values


async def test_an_admin_changes_the_settings_through_the_form(
    db: Database, web_client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    await sign_in_as(web_client, db, "admin")
    page = await web_client.get("/app/settings")
    assert page.status_code == 200
    assert '<option value="67" selected>' in page.text  # UTC, the default
    token = await csrf(web_client, "/app/settings")

    saved = await web_client.post("/app/settings", data=_form(token))
    assert saved.status_code == 303
    assert saved.headers["location"] == "/app/settings"
    network = await _network(db)
    assert (network.name, network.timezone_id, network.currency_id, network.fallback_url) == (
        "Acme Network",
        80,
        "GBP",
        "https://acme.example/oops",
    )
    shown = await web_client.get("/app/settings")
    assert "Network settings saved." in shown.text
    assert 'value="https://acme.example/oops"' in shown.text
    # The API reads what the page wrote.
    api = await web_client.get("/v1/networks", headers=network_headers)
    assert (api.json()["currency_id"], api.json()["timezone_id"]) == ("GBP", 80)

    cleared = await web_client.post("/app/settings", data=_form(token, fallback_url=""))
    assert cleared.status_code == 303
    assert (await _network(db)).fallback_url is None


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"timezone_id": "0"}, "timezone_id"),
        ({"timezone_id": "UTC"}, "timezone_id"),
        ({"currency_id": "XYZ"}, "currency_id"),
        ({"fallback_url": "not a url"}, "fallback_url"),
        ({"fallback_url": "https://acme.example/" + "x" * 2100}, "fallback_url"),
    ],
)
async def test_a_bad_value_is_400_beside_its_field_and_changes_nothing(
    db: Database, web_client: httpx.AsyncClient, changes: dict[str, str], field: str
) -> None:
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/settings")
    response = await web_client.post("/app/settings", data=_form(token, **changes))
    assert response.status_code == 400
    assert f'id="s-{field}-error" class="field-error"' in response.text
    network = await _network(db)
    assert (network.timezone_id, network.currency_id) == (67, "USD")


async def test_a_forged_form_is_refused(db: Database, web_client: httpx.AsyncClient) -> None:
    await sign_in_as(web_client, db, "admin")
    response = await web_client.post("/app/settings", data=_form("forged"))
    assert response.status_code == 403
    assert (await _network(db)).currency_id == "USD"


@pytest.mark.parametrize("role", ["manager", "affiliate"])
async def test_only_admins_see_or_change_settings(
    db: Database, web_client: httpx.AsyncClient, role: str
) -> None:
    await sign_in_as(web_client, db, role)
    assert (await web_client.get("/app/settings")).status_code == 403
    response = await web_client.post("/app/settings", data=_form("whatever"))
    assert response.status_code == 403
    assert (await _network(db)).currency_id == "USD"
