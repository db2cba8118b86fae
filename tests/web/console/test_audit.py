"""The audit log in the console: a change through a console page is the signed-in user's,
one through the API the key's; filters, errors beside the field, roles."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import AuditEntry
from tests.fixtures.web import csrf, sign_in_as


async def _entries(db: Database) -> list[AuditEntry]:
    async with db.read() as session:
        return list(await session.scalars(select(AuditEntry).order_by(AuditEntry.audit_entry_id)))


async def _change_settings(client: httpx.AsyncClient, currency: str) -> None:
    token = await csrf(client, "/app/settings")
    response = await client.post(
        "/app/settings",
        data={
            "csrf_token": token,
            "name": "Acme Network",
            "timezone_id": "67",
            "currency_id": currency,
            "fallback_url": "",
        },
    )
    assert response.status_code == 303


async def test_a_settings_change_through_the_page_is_the_signed_in_users(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    admin, _ = await sign_in_as(web_client, db, "admin", email="boss@network.example")
    await _change_settings(web_client, "GBP")

    (entry,) = [e for e in await _entries(db) if e.entity_type == "network"]
    assert (entry.actor_type, entry.actor_id, entry.actor_label) == (
        "user",
        admin.id,
        "boss@network.example",
    )
    assert entry.operation == "update"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["currency_id"], entry.after["currency_id"]) == ("USD", "GBP")

    page = await web_client.get("/app/audit")
    assert page.status_code == 200
    assert "boss@network.example" in page.text
    assert "<dt>currency_id</dt>" in page.text
    assert "<del>USD</del> → <ins>GBP</ins>" in page.text
    assert 'href="/app/settings">#1</a>' in page.text


async def test_api_changes_are_the_keys_and_filters_narrow_the_log(
    db: Database, web_client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    api = await web_client.put("/v1/networks", json={"currency_id": "EUR"}, headers=network_headers)
    assert api.status_code == 200
    user, _ = await sign_in_as(web_client, db, "manager", email="ops@network.example")
    kinds = {e.actor_type for e in await _entries(db) if e.entity_type == "network"}
    assert kinds == {"api_key"}

    by_key = await web_client.get("/app/audit", params={"actor_type": "api_key"})
    assert by_key.status_code == 200
    assert "<del>USD</del> → <ins>EUR</ins>" in by_key.text
    by_user = await web_client.get(
        "/app/audit", params={"actor_type": "user", "actor_id": str(user.id)}
    )
    assert "<del>USD</del>" not in by_user.text
    offers_only = await web_client.get("/app/audit", params={"entity_type": "offer"})
    assert "<del>USD</del>" not in offers_only.text
    long_ago = await web_client.get("/app/audit", params={"from": "2001-01-01", "to": "2001-01-31"})
    assert "No changes match" in long_ago.text


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-31"}, "from"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
        ({"actor_id": "abc"}, "actor_id"),
        ({"entity_type": "spaceship"}, "entity_type"),
        ({"operation": "explode"}, "operation"),
        ({"page": "0"}, "page"),
    ],
)
async def test_bad_filters_are_400_beside_the_field(
    db: Database, web_client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    await sign_in_as(web_client, db, "manager")
    response = await web_client.get("/app/audit", params=params)
    assert response.status_code == 400
    assert f'id="a-{field}-error" class="field-error"' in response.text


async def test_only_network_staff_read_the_log(db: Database, web_client: httpx.AsyncClient) -> None:
    assert (await web_client.get("/app/audit")).status_code == 303
    await sign_in_as(web_client, db, "affiliate")
    assert (await web_client.get("/app/audit")).status_code == 403
