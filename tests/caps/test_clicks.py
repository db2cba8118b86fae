"""Click caps: clicks past a hard cap are stored invalid (code 6) and diverted."""

from __future__ import annotations

import dataclasses
import time

import httpx
from sqlalchemy import select

from clicktrail.app import ClicktrailApp
from clicktrail.caps import repository
from clicktrail.models import CapCounter, Offer
from clicktrail.tracking.capping import ClickCaps
from clicktrail.tracking.macros import UrlTemplate
from tests.caps.helpers import add_custom
from tests.tracking.helpers import cache_of, click, clicks, make_pair, set_fallback


async def test_clicks_past_the_cap_are_invalid_and_go_to_the_fallback(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app, is_caps_enabled=True, daily_click_cap=2)
    await set_fallback(app, "https://fallback.example/?t={transaction_id}")
    link = {"oid": pair.oid, "affid": pair.affid}

    answers = [await client.get("/c", params=link) for _ in range(3)]

    locations = [a.headers["location"] for a in answers]
    assert all(loc.startswith("https://advertiser.example/") for loc in locations[:2])
    assert locations[2].startswith("https://fallback.example/?t=")
    rows = await clicks(app.state.db)
    assert [(r.error_code, r.error_message) for r in rows] == [
        (0, ""),
        (0, ""),
        (6, "Over Caps"),
    ]
    assert rows[2].network_offer_id == pair.oid


async def test_a_refused_click_goes_to_the_offers_fail_traffic_redirect(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app, is_caps_enabled=True, global_click_cap=1)
    cache = cache_of(app)
    entry = cache.offers[pair.oid]
    cache.offers[pair.oid] = dataclasses.replace(
        entry, fail_traffic=UrlTemplate("https://fail.example/?t={transaction_id}")
    )
    link = {"oid": pair.oid, "affid": pair.affid}
    await client.get("/c", params=link)
    refused = await client.get("/c", params=link)
    location = refused.headers["location"]
    assert location.startswith("https://fail.example/?t=")
    stored = await click(app.state.db, location.rsplit("=", 1)[1])
    assert stored.error_code == 6


async def test_counted_clicks_reach_the_database_and_other_processes(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app, is_caps_enabled=True, daily_click_cap=3)
    link = {"oid": pair.oid, "affid": pair.affid}
    for _ in range(2):
        await client.get("/c", params=link)
    db = app.state.db
    await cache_of(app).click_caps.sync(db)
    async with db.read() as session:
        counted = await session.scalar(
            select(CapCounter.clicks).where(
                CapCounter.network_offer_id == pair.oid, CapCounter.period == "d"
            )
        )
        offer = await session.get(Offer, pair.oid)
    assert counted == 2

    other = ClickCaps()  # another process: it learns the count from the database
    other.configure([offer], [], 67)
    await other.sync(db)
    assert other.admit(pair.oid, pair.affid, now=time.time()) is True
    assert other.admit(pair.oid, pair.affid, now=time.time()) is False


async def test_a_soft_custom_click_cap_refuses_nothing(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app, is_caps_enabled=True)
    db = app.state.db
    await add_custom(db, pair.offer, pair.affiliate, is_soft_cap=True, daily_click_cap=1)
    await cache_of(app).reload()
    link = {"oid": pair.oid, "affid": pair.affid}
    answers = [await client.get("/c", params=link) for _ in range(3)]
    assert all(a.headers["location"].startswith("https://advertiser.example/") for a in answers)
    async with db.read() as session:
        assert len(await repository.custom_caps(session, [pair.oid])) == 1
