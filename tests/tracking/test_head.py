"""HEAD is safe: it answers what a GET would on the click routes and records nothing; on
the advertiser postback it is refused (ADR 0065)."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.models import Click, Conversion
from clicktrail.models.rollup import TABLES
from clicktrail.tracking import codes
from tests.fixtures.factories import make_affiliate, make_click, make_offer
from tests.tracking.helpers import clicks, make_pair, query_of, set_fallback


async def _rollup_rows(db: Database) -> int:
    total = 0
    async with db.read() as session:
        for table in TABLES.values():
            total += int(await session.scalar(select(func.count()).select_from(table)) or 0)
    return total


async def _conversions(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion)))


async def test_head_on_a_link_redirects_like_get_and_writes_nothing(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    head = await client.head("/c", params={"oid": pair.oid, "affid": pair.affid, "sub1": "s"})
    assert head.status_code == 302
    assert head.headers["location"].startswith("https://advertiser.example/landing?")
    assert query_of(head.headers["location"])["s1"] == "s"
    encoded = f"/{codes.encode('affiliate', pair.affid)}/{codes.encode('offer', pair.oid)}/"
    head_encoded = await client.head(encoded)
    assert head_encoded.status_code == 302
    assert head_encoded.headers["location"].startswith("https://advertiser.example/landing?")
    assert await clicks(app.state.db) == []
    assert await _rollup_rows(app.state.db) == 0
    # The GET that follows is the first click: stored, unique, and rolled up.
    get = await client.get("/c", params={"oid": pair.oid, "affid": pair.affid})
    assert get.status_code == 302
    [stored] = await clicks(app.state.db)
    assert stored.transaction_id == query_of(get.headers["location"])["tid"]
    assert stored.is_unique is True
    assert await _rollup_rows(app.state.db) > 0


async def test_head_on_an_unknown_link_stores_no_invalid_click(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    await set_fallback(app, "https://fallback.example/")
    head = await client.head("/c", params={"oid": 999999, "affid": 1})
    assert head.status_code == 302
    assert head.headers["location"] == "https://fallback.example/"
    await set_fallback(app, None)
    assert (await client.head("/c?oid=999999&affid=1")).status_code == 404
    assert (await client.head("/c?oid=x")).status_code == 404
    assert await clicks(app.state.db) == []
    assert await _rollup_rows(app.state.db) == 0
    # A GET of the same link is stored as an invalid click.
    assert (await client.get("/c?oid=999999&affid=1")).status_code == 404
    [invalid] = await clicks(app.state.db)
    assert invalid.error_code != 0


async def test_head_on_the_server_side_click_writes_nothing(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    head = await client.head("/clk", params={"oid": pair.oid, "affid": pair.affid})
    assert head.status_code == 200
    assert head.headers["content-type"] == "application/json"
    assert (await client.head("/clk", params={"oid": 999999, "affid": 1})).status_code == 404
    assert await clicks(app.state.db) == []
    assert await _rollup_rows(app.state.db) == 0


async def test_other_methods_on_a_link_name_get_and_head(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    response = await client.put(f"/c?oid={pair.oid}&affid={pair.affid}")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"
    assert await clicks(app.state.db) == []


async def test_head_on_the_advertiser_postback_is_refused_and_records_nothing(
    db: Database, client: httpx.AsyncClient
) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    params = {"nid": "1", "transaction_id": click.transaction_id, "amount": "10"}
    head = await client.head("/", params=params)
    assert head.status_code == 405
    assert head.headers["allow"] == "GET, POST"
    assert (
        await client.head("/", params={"nid": "1", "transaction_id": "f" * 32})
    ).status_code == 405
    assert await _conversions(db) == []
    # The GET after it is the first conversion, not a duplicate.
    get = await client.get("/", params=params)
    assert get.status_code == 200
    assert (get.json()["status"], get.json()["error_code"]) == ("approved", 0)
    [conversion] = await _conversions(db)
    assert conversion.conversion_id == get.json()["conversion_id"]
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(Click)) == 1
