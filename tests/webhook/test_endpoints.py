"""/v1/networks/webhooks: create (the secret shown once), read, replace, rotate, delete;
bad input answered 400 in Everflow's error shape naming the field, with nothing stored."""

from __future__ import annotations

import json
from typing import Any

import httpx
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.models import AuditEntry, NetworkWebhook
from tests.webhook.conftest import WEBHOOKS, register


async def _count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(NetworkWebhook)) or 0)


async def test_crud_shows_the_secret_only_on_create_and_rotate(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    created = await register(
        client,
        network_headers,
        "https://hooks.example.com/ef?team=7",
        name="CRM",
        events=["event_registered", "conversion_registered"],
    )
    webhook_id = created["network_webhook_id"]
    secret = created["secret"]
    assert secret.startswith("whsec_")
    assert len(secret) > 40
    # Events come back in their canonical order.
    assert created["events"] == ["conversion_registered", "event_registered"]
    assert created["webhook_status"] == "active"
    assert created["name"] == "CRM"

    one = (await client.get(f"{WEBHOOKS}/{webhook_id}", headers=network_headers)).json()
    assert "secret" not in one
    assert one == {k: v for k, v in created.items() if k != "secret"}
    listed = (await client.get(WEBHOOKS, headers=network_headers)).json()
    assert [w["network_webhook_id"] for w in listed["webhooks"]] == [webhook_id]
    assert "secret" not in listed["webhooks"][0]
    assert listed["paging"]["total_count"] == 1

    replaced = await client.put(
        f"{WEBHOOKS}/{webhook_id}",
        json={
            "url": "http://hooks.example.com/v2",
            "events": ["conversion_status_changed"],
            "webhook_status": "paused",
        },
        headers=network_headers,
    )
    assert replaced.status_code == 200, replaced.text
    body = replaced.json()
    assert (body["url"], body["events"], body["webhook_status"], body["name"]) == (
        "http://hooks.example.com/v2",
        ["conversion_status_changed"],
        "paused",
        "",
    )
    assert "secret" not in body

    rotated = (await client.post(f"{WEBHOOKS}/{webhook_id}/secret", headers=network_headers)).json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != secret
    async with db.read() as session:
        stored = await session.get(NetworkWebhook, webhook_id)
        assert stored is not None
        assert stored.secret == rotated["secret"]

    deleted = await client.delete(f"{WEBHOOKS}/{webhook_id}", headers=network_headers)
    assert deleted.json() == {"result": True}
    async with db.read() as session:
        query = select(AuditEntry).where(AuditEntry.entity_type == "network_webhook")
        entries = (await session.scalars(query.order_by(AuditEntry.audit_entry_id))).all()
    assert [e.operation for e in entries] == [
        "create",
        "update",
        "update",
        "delete",
    ]
    assert "whsec_" not in json.dumps([(e.before, e.after) for e in entries])
    missing = await client.get(f"{WEBHOOKS}/{webhook_id}", headers=network_headers)
    assert missing.status_code == 404
    assert await _count(db) == 0


async def test_affiliate_keys_cannot_reach_webhooks(
    db: Database, client: httpx.AsyncClient
) -> None:
    from tests.fixtures.factories import make_affiliate, make_key

    affiliate = await make_affiliate(db)
    key = await make_key(db, "affiliate", affiliate.network_affiliate_id)
    response = await client.get(WEBHOOKS, headers={"X-Eflow-API-Key": key})
    assert response.status_code == 403


def _fails(response: httpx.Response, field: str) -> str:
    assert response.status_code == 400, response.text
    payload = response.json()
    assert set(payload) >= {"Error", "error"}
    assert field in payload["error"], payload
    return str(payload["error"])


async def test_bad_endpoints_are_400s_naming_the_field_and_store_nothing(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    good: dict[str, Any] = {"url": "https://hooks.example.com/", "events": ["event_registered"]}
    cases: list[tuple[dict[str, Any], str]] = [
        ({"url": "ftp://hooks.example.com/"}, "url"),
        ({"url": "hooks.example.com/no-scheme"}, "url"),
        ({"url": "https:///no-host"}, "url"),
        ({"url": "https://user:pw@hooks.example.com/"}, "url"),
        ({"url": "https://hooks.example.com/a b"}, "url"),
        ({"url": "https://hooks.example.com/" + "a" * 2100}, "url"),
        ({"url": ""}, "url"),
        ({"events": []}, "events"),
        ({"events": ["conversion_registered", "conversion_registered"]}, "events"),
        ({"events": ["offer_created"]}, "events"),
        ({"webhook_status": "inactive"}, "webhook_status"),
        ({"name": "two\nlines"}, "name"),
        ({"secret": "whsec_mine"}, "secret"),
        ({"network_webhook_id": 5}, "network_webhook_id"),
    ]
    for change, field in cases:
        response = await client.post(WEBHOOKS, json={**good, **change}, headers=network_headers)
        _fails(response, field)
    assert await _count(db) == 0

    created = await register(client, network_headers, "https://hooks.example.com/")
    path = f"{WEBHOOKS}/{created['network_webhook_id']}"
    _fails(
        await client.put(path, json={**good, "url": "mailto:a@b.c"}, headers=network_headers), "url"
    )
    _fails(
        await client.put(path, json={**good, "network_webhook_id": 99}, headers=network_headers),
        "network_webhook_id",
    )
    stored = (await client.get(path, headers=network_headers)).json()
    assert stored["url"] == "https://hooks.example.com/"
    assert stored["events"] == ["conversion_registered"]
    for bad in ("0", "abc", "2147483648"):
        response = await client.get(f"{WEBHOOKS}/{bad}", headers=network_headers)
        assert response.status_code in (400, 404), response.text
