"""API keys in the console: admins only; a new key's raw value shown once; revoke after a
confirmation; the API honours both at once."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from clicktrail.auth.service import hash_key
from clicktrail.db import Database
from clicktrail.models import ApiKey
from tests.fixtures.factories import make_affiliate, make_key
from tests.fixtures.web import csrf, sign_in_as

RAW = re.compile(r'value="(ct_[0-9a-f]{8}_[A-Za-z0-9_-]+)"')


async def _keys(db: Database) -> list[ApiKey]:
    async with db.read() as session:
        return list(await session.scalars(select(ApiKey).order_by(ApiKey.id)))


async def test_the_list_shows_network_and_affiliate_keys_by_prefix_only(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    affiliate = await make_affiliate(db, name="Partner Co")
    raw = await make_key(db, "affiliate", affiliate.network_affiliate_id)
    await sign_in_as(web_client, db, "admin")
    page = await web_client.get("/app/keys")
    assert page.status_code == 200
    stored = next(k for k in await _keys(db) if k.realm == "affiliate")
    assert f"ct_{stored.prefix}_" in page.text
    assert "Partner Co" in page.text
    assert raw not in page.text
    assert stored.key_hash not in page.text
    only_network = await web_client.get("/app/keys", params={"realm": "network"})
    assert "Partner Co" not in only_network.text
    bad = await web_client.get("/app/keys", params={"realm": "galaxy"})
    assert bad.status_code == 400
    assert "realm must be" in bad.text


async def test_a_new_network_key_is_shown_once_and_works(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/keys")
    created = await web_client.post("/app/keys", data={"csrf_token": token, "name": "billing"})
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    found = RAW.search(created.text)
    assert found is not None
    raw = found.group(1)
    (key,) = [k for k in await _keys(db) if k.name == "billing"]
    assert (key.realm, key.key_hash, key.network_affiliate_id) == ("network", hash_key(raw), None)

    assert raw not in (await web_client.get("/app/keys")).text  # never again
    api = await web_client.get("/v1/networks", headers={"X-Eflow-API-Key": raw})
    assert api.status_code == 200


async def test_revoking_asks_first_and_the_api_refuses_the_key_after(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    raw = await make_key(db, "network")
    (key,) = await _keys(db)
    await sign_in_as(web_client, db, "admin")
    confirm = await web_client.get(f"/app/keys/{key.id}/revoke")
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.text
    assert key.revoked_at is None  # a GET changes nothing

    forged = await web_client.post(f"/app/keys/{key.id}/revoke", data={"csrf_token": "x"})
    assert forged.status_code == 403
    assert (await _keys(db))[0].revoked_at is None

    token = await csrf(web_client, f"/app/keys/{key.id}/revoke")
    revoked = await web_client.post(f"/app/keys/{key.id}/revoke", data={"csrf_token": token})
    assert revoked.status_code == 303
    assert revoked.headers["location"] == "/app/keys"
    assert (await _keys(db))[0].revoked_at is not None
    assert "is revoked" in (await web_client.get("/app/keys")).text
    api = await web_client.get("/v1/networks", headers={"X-Eflow-API-Key": raw})
    assert api.status_code == 401
    missing = await web_client.get("/app/keys/987654/revoke")
    assert missing.status_code == 404


async def test_a_bad_name_is_400_beside_the_field(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/keys")
    response = await web_client.post("/app/keys", data={"csrf_token": token, "name": "bad\x07name"})
    assert response.status_code == 400
    assert 'id="k-name-error" class="field-error"' in response.text
    assert await _keys(db) == []


@pytest.mark.parametrize("role", ["manager", "affiliate"])
async def test_only_admins_manage_keys(
    db: Database, web_client: httpx.AsyncClient, role: str
) -> None:
    await make_key(db, "network")
    await sign_in_as(web_client, db, role)
    assert (await web_client.get("/app/keys")).status_code == 403
    assert (await web_client.get("/app/keys/1/revoke")).status_code == 403
    created = await web_client.post("/app/keys", data={"csrf_token": "x", "name": "n"})
    assert created.status_code == 403
    assert len(await _keys(db)) == 1
