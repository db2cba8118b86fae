"""The partner's API key: created once (raw key shown once), works on the affiliate API
for its own data, rotated, revoked; CSRF required."""

from __future__ import annotations

import re

import httpx

from clicktrail.auth.service import affiliate_keys
from clicktrail.db import Database
from tests.fixtures.factories import make_key
from tests.fixtures.web import csrf
from tests.web.partner.conftest import Portal

_RAW = re.compile(r'value="(ct_[0-9a-f]{8}_[^"]+)"')


async def test_create_use_rotate_revoke(partner: httpx.AsyncClient, portal: Portal) -> None:
    empty = await partner.get("/partner/api-key")
    assert "You have no API key." in empty.text
    assert (await partner.post("/partner/api-key")).status_code == 403
    token = await csrf(partner, "/partner/api-key")
    created = await partner.post("/partner/api-key", data={"csrf_token": token})
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    found = _RAW.search(created.text)
    assert found
    raw = found.group(1)
    assert raw not in (await partner.get("/partner/api-key")).text

    pixels = await partner.get("/v1/affiliates/pixels", headers={"X-Eflow-API-Key": raw})
    assert pixels.status_code == 200
    ids = {p["network_pixel_id"] for p in pixels.json()["pixels"]}
    assert ids == {portal.my_pixel.network_pixel_id}

    rotated = await partner.post("/partner/api-key", data={"csrf_token": token})
    second = _RAW.search(rotated.text)
    assert second
    old = await partner.get("/v1/affiliates/pixels", headers={"X-Eflow-API-Key": raw})
    assert old.status_code == 401

    key_id = re.search(r"/partner/api-key/(\d+)/revoke", rotated.text)
    assert key_id
    revoked = await partner.post(
        f"/partner/api-key/{key_id.group(1)}/revoke", data={"csrf_token": token}
    )
    assert revoked.status_code == 303
    gone = await partner.get("/v1/affiliates/pixels", headers={"X-Eflow-API-Key": second.group(1)})
    assert gone.status_code == 401
    assert "You have no API key." in (await partner.get("/partner/api-key")).text


async def test_another_affiliates_key_cannot_be_revoked(
    partner: httpx.AsyncClient, portal: Portal, db: Database
) -> None:
    other_raw = await make_key(db, "affiliate", portal.other.network_affiliate_id)
    async with db.read() as session:
        [other_key] = await affiliate_keys(session, portal.other.network_affiliate_id)
    token = await csrf(partner, "/partner/api-key")
    response = await partner.post(
        f"/partner/api-key/{other_key.id}/revoke", data={"csrf_token": token}
    )
    assert response.status_code == 404
    still = await partner.get("/v1/affiliates/pixels", headers={"X-Eflow-API-Key": other_raw})
    assert still.status_code == 200
    assert other_key.prefix not in (await partner.get("/partner/api-key")).text
