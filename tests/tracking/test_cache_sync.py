"""An API change is honoured by the very next click, in every process (issue 15, item 1)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, event, select

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.models import CacheGeneration, Click, Offer
from clicktrail.tracking import cache as tracking_cache
from clicktrail.tracking.cache import TrackingCache
from tests.fixtures.factories import make_advertiser, make_affiliate, make_key, make_offer
from tests.fixtures.server import free_port, kill_group, ready, serve
from tests.offer.test_endpoints import offer_body
from tests.tracking.helpers import cache_of

LANDING = "https://lp.example/?click={transaction_id}"


async def _generation(db: Database) -> int:
    async with db.read() as session:
        value = await session.scalar(select(CacheGeneration.generation))
        return int(value or 0)


async def _error_codes(db: Database, offer_id: int) -> list[int]:
    async with db.read() as session:
        rows = await session.scalars(
            select(Click.error_code).where(Click.network_offer_id == offer_id)
        )
        return list(rows)


def _link(offer_id: int, affiliate_id: int) -> str:
    return f"/c?oid={offer_id}&affid={affiliate_id}"


async def test_api_writes_move_the_generation_in_their_transaction(
    client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    advertiser = await make_advertiser(db)
    before = await _generation(db)
    created = await client.post(
        "/v1/networks/offers",
        json=offer_body(advertiser.network_advertiser_id),
        headers=network_headers,
    )
    assert created.status_code == 200, created.text
    after_create = await _generation(db)
    assert after_create > before
    network = await client.put(
        "/v1/networks", json={"fallback_url": "https://fallback.example/"}, headers=network_headers
    )
    assert network.status_code == 200, network.text
    assert await _generation(db) > after_create


async def test_created_offer_redirects_and_paused_offer_stops_on_the_next_click(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    advertiser = await make_advertiser(db)
    affiliate = await make_affiliate(db)
    body = offer_body(advertiser.network_advertiser_id, destination_url=LANDING)
    created = await client.post("/v1/networks/offers", json=body, headers=network_headers)
    offer_id = created.json()["network_offer_id"]
    # No reload asked for: the click itself notices the change.
    first = await client.get(_link(offer_id, affiliate.network_affiliate_id))
    assert first.status_code == 302
    assert first.headers["location"].startswith("https://lp.example/?click=")
    paused = await client.put(
        f"/v1/networks/offers/{offer_id}",
        json={**body, "offer_status": "paused"},
        headers=network_headers,
    )
    assert paused.status_code == 200, paused.text
    second = await client.get(_link(offer_id, affiliate.network_affiliate_id))
    assert second.status_code == 404  # no fallback URL set: the plain 404 page
    assert await _error_codes(db, offer_id) == [0, 3]


class _FrozenProbe:
    """A generation that never moves: as if the row was written outside the ORM."""

    def __init__(self, value: int) -> None:
        self.value = value

    async def open(self) -> None:
        return None

    async def read(self) -> int | None:
        return self.value

    async def close(self) -> None:
        return None


async def test_a_miss_looks_the_offer_up_before_calling_it_unknown(app: ClicktrailApp) -> None:
    db = app.state.db
    cache = TrackingCache(db, probe=_FrozenProbe(0))
    await cache.reload()
    affiliate = await make_affiliate(db)
    offer = await make_offer(db, destination_url=LANDING)
    await cache.sync(offer.network_offer_id, affiliate.network_affiliate_id)
    assert cache.offers[offer.network_offer_id].active
    assert affiliate.network_affiliate_id in cache.affiliates
    # An id that does not exist costs one lookup, then is remembered until the next reload.
    reloads = cache.reloads
    await cache.sync(999_999, affiliate.network_affiliate_id)
    await cache.sync(999_999, affiliate.network_affiliate_id)
    assert 999_999 not in cache.offers
    assert cache.reloads == reloads


async def test_remembered_missing_ids_are_bounded_oldest_out_first(
    app: ClicktrailApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tracking_cache, "MISSING_LIMIT", 2)
    db = app.state.db
    cache = TrackingCache(db, probe=_FrozenProbe(0))
    await cache.reload()
    affiliate = await make_affiliate(db)
    await cache.sync(None, affiliate.network_affiliate_id)
    lookups: list[str] = []

    def count(*args: Any) -> None:
        if "FROM offer" in str(args[2]):
            lookups.append(args[2])

    event.listen(db.engine.sync_engine, "before_cursor_execute", count)
    try:
        for offer_id in (900_001, 900_002, 900_003):  # the third pushes out the first
            await cache.sync(offer_id, affiliate.network_affiliate_id)
        assert len(lookups) == 3
        await cache.sync(900_003, affiliate.network_affiliate_id)
        await cache.sync(900_002, affiliate.network_affiliate_id)
        assert len(lookups) == 3  # still remembered
        await cache.sync(900_001, affiliate.network_affiliate_id)
        assert len(lookups) == 4  # forgotten, so looked up again
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", count)


async def test_deleted_offer_is_unknown_on_the_next_click(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    db = app.state.db
    affiliate = await make_affiliate(db)
    offer = await make_offer(db, destination_url=LANDING)
    link = _link(offer.network_offer_id, affiliate.network_affiliate_id)
    assert (await client.get(link)).status_code == 302
    async with db.write() as session:
        await session.execute(delete(Offer).where(Offer.network_offer_id == offer.network_offer_id))
    assert (await client.get(link)).status_code == 404
    assert offer.network_offer_id not in cache_of(app).offers


@pytest.mark.slow
async def test_every_worker_process_honours_the_change_on_its_next_click(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    advertiser = await make_advertiser(db)
    affiliate = await make_affiliate(db)
    key = await make_key(db, "network")
    await db.dispose()
    headers = {"X-Eflow-API-Key": key}
    log = tmp_path / "server.log"
    port = free_port()
    # Clicks only: conversion writer processes would be two more interpreters for nothing.
    clicks_only = {"CLICKTRAIL_CONVERSION_WRITER_PROCESS": "false"}
    process = serve(database_url, port, log, "--workers", "2", env=clicks_only)
    # A new connection per request, several at once: the clicks land on both workers.
    limits = httpx.Limits(max_keepalive_connections=0)
    try:
        await ready(port, process, log)
        base = f"http://127.0.0.1:{port}"
        async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:

            async def burst(link: str) -> set[int]:
                answers = await asyncio.gather(*(client.get(f"{link}&sub1={i}") for i in range(16)))
                return {r.status_code for r in answers}

            # Warm both workers up (their first click loads the enrichment data).
            assert await burst(_link(999_999, affiliate.network_affiliate_id)) == {404}
            for round_ in range(3):
                body: dict[str, Any] = offer_body(
                    advertiser.network_advertiser_id, destination_url=LANDING, name=f"O{round_}"
                )
                created = await client.post("/v1/networks/offers", json=body, headers=headers)
                assert created.status_code == 200, created.text
                offer_id = created.json()["network_offer_id"]
                link = _link(offer_id, affiliate.network_affiliate_id)
                assert await burst(link) == {302}
                paused = await client.put(
                    f"/v1/networks/offers/{offer_id}",
                    json={**body, "offer_status": "paused"},
                    headers=headers,
                )
                assert paused.status_code == 200, paused.text
                assert await burst(link) == {404}
                resumed = await client.put(
                    f"/v1/networks/offers/{offer_id}", json=body, headers=headers
                )
                assert resumed.status_code == 200, resumed.text
                assert await burst(link) == {302}
    finally:
        kill_group(process)
    db = Database(database_url)
    try:
        async with db.read() as session:
            codes = set(await session.scalars(select(Click.error_code)))
        assert codes == {0, 2, 3}
    finally:
        await db.dispose()
