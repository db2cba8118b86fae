"""The gate remembers live keys while the cache generation stands (ADR 0113): a known key
costs no lookup, and a key revoked anywhere is refused by the very next request."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event, select

from clicktrail.app import ClicktrailApp
from clicktrail.auth.service import hash_key, revoke_key
from clicktrail.db import Database
from clicktrail.models import ApiKey
from tests.fixtures.factories import make_key


@contextmanager
def key_lookups(db: Database) -> Iterator[list[str]]:
    """Statements on ``db`` that read the api_key table, as they run."""
    seen: list[str] = []

    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "api_key" in statement:
            seen.append(statement)

    event.listen(db.engine.sync_engine, "before_cursor_execute", _record)
    try:
        yield seen
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", _record)


async def _key_id(db: Database, raw: str) -> int:
    async with db.read() as session:
        found = await session.scalar(select(ApiKey.id).where(ApiKey.key_hash == hash_key(raw)))
    assert found is not None
    return found


async def test_a_known_key_is_looked_up_once(app: ClicktrailApp, client: httpx.AsyncClient) -> None:
    key = await make_key(app.state.db, "network")
    headers = {"X-Eflow-API-Key": key}
    with key_lookups(app.state.db) as lookups:
        first = await client.get("/v1/networks/offers", headers=headers)
        second = await client.get("/v1/networks/offers", headers=headers)
        third = await client.get("/v1/networks/offers", headers=headers)
    assert [first.status_code, second.status_code, third.status_code] == [200, 200, 200]
    assert len(lookups) == 1


async def test_a_key_revoked_by_another_process_is_refused_by_the_next_request(
    app: ClicktrailApp, client: httpx.AsyncClient, database_url: str
) -> None:
    key = await make_key(app.state.db, "network")
    headers = {"X-Eflow-API-Key": key}
    assert (await client.get("/v1/networks/offers", headers=headers)).status_code == 200
    # Another process: its own engine on the same database.
    other = Database(database_url)
    try:
        async with other.write() as session:
            await revoke_key(session, await _key_id(other, key))
    finally:
        await other.dispose()
    refused = await client.get("/v1/networks/offers", headers=headers)
    assert refused.status_code == 401
    assert refused.json()["Error"] == "Invalid API key"


async def test_a_remembered_key_keeps_its_realm(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    key = await make_key(app.state.db, "network")
    assert (
        await client.get("/v1/networks/offers", headers={"X-Eflow-API-Key": key})
    ).status_code == 200
    wrong_realm = await client.get("/v1/affiliates/pixels", headers={"X-Eflow-API-Key": key})
    assert wrong_realm.status_code == 403


async def test_unknown_keys_are_not_remembered(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    headers = {"X-Eflow-API-Key": "ct_nothere_secret"}
    with key_lookups(app.state.db) as lookups:
        answers = [await client.get("/v1/networks/offers", headers=headers) for _ in range(3)]
    assert [a.status_code for a in answers] == [401, 401, 401]
    assert len(lookups) == 3
