"""Authentication of the Everflow Network API, over HTTP."""

from __future__ import annotations

import httpx
import pytest

from clicktrail.auth.service import revoke_key
from clicktrail.db import Database
from tests.fixtures.factories import make_affiliate, make_key

PATHS = [
    "/v1/networks",
    "/v1/networks/offers",
    "/v1/networks/affiliates",
    "/v1/networks/advertisers",
]


@pytest.mark.parametrize("path", PATHS)
async def test_missing_or_unknown_key_is_401(client: httpx.AsyncClient, path: str) -> None:
    missing = await client.get(path)
    assert missing.status_code == 401
    assert missing.json() == {"Error": "Missing API key", "error": "Missing API key"}
    unknown = await client.get(path, headers={"X-Eflow-API-Key": "ct_nope_nope"})
    assert unknown.status_code == 401
    assert unknown.json()["error"] == "Invalid API key"


async def test_revoked_key_is_401(client: httpx.AsyncClient, db: Database) -> None:
    raw = await make_key(db, "network")
    assert (await client.get("/v1/networks", headers={"X-Eflow-API-Key": raw})).status_code == 200
    async with db.write() as session:
        from clicktrail.auth import repository
        from clicktrail.auth.service import hash_key

        key = await repository.by_hash(session, hash_key(raw))
        assert key is not None
        await revoke_key(session, key.id)
    response = await client.get("/v1/networks", headers={"X-Eflow-API-Key": raw})
    assert response.status_code == 401


async def test_affiliate_key_on_network_endpoint_is_403_out_of_realm(
    client: httpx.AsyncClient, db: Database
) -> None:
    affiliate = await make_affiliate(db)
    raw = await make_key(db, "affiliate", affiliate.network_affiliate_id)
    response = await client.post(
        "/v1/networks/advertisers", json={"name": "x"}, headers={"X-Eflow-API-Key": raw}
    )
    assert response.status_code == 403
    assert response.json() == {"Error": "Out of realm", "error": "Out of realm"}


async def test_header_name_is_case_insensitive(client: httpx.AsyncClient, network_key: str) -> None:
    for name in ("x-eflow-api-key", "X-EFLOW-API-KEY", "X-Eflow-Api-Key"):
        response = await client.get("/v1/networks/offers", headers={name: network_key})
        assert response.status_code == 200, name
