"""Per-address caps on stored garbage (issue 14, item 4): invalid clicks and postbacks with
unknown transaction ids are answered as usual past the cap but not stored; valid clicks and
valid postbacks from the same address are never limited; clicks per address are opt-in."""

from __future__ import annotations

import secrets

from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.models import Click, Conversion
from tests.abuse.conftest import Limited, random_address
from tests.fixtures.factories import make_affiliate, make_offer


async def _count(db: Database, model: type[Click] | type[Conversion]) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_invalid_clicks_past_the_cap_are_answered_but_not_stored(limited: Limited) -> None:
    async with limited(rate_limit_invalid_clicks="3/minute") as (app, client):
        db = app.state.db
        offer = await make_offer(db)
        affiliate = await make_affiliate(db)
        await app.state.components["tracking_cache"].reload()
        me = {"X-Forwarded-For": random_address()}
        unknown = [await client.get("/c?oid=999999&affid=1", headers=me) for _ in range(6)]
        assert {a.status_code for a in unknown} == {404}  # no fallback URL set: as usual
        server_side = await client.get("/clk?oid=999999&affid=1", headers=me)
        assert server_side.status_code == 404
        assert server_side.json()["error"] == "oid: unknown offer"
        assert await _count(db, Click) == 3
        # Valid clicks from that address are recorded, however many.
        link = f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}"
        valid = [await client.get(link, headers=me) for _ in range(10)]
        assert {a.status_code for a in valid} == {302}
        assert await _count(db, Click) == 13
        # Another address has its own cap.
        other = {"X-Forwarded-For": random_address()}
        assert (await client.get("/c?oid=999999&affid=1", headers=other)).status_code == 404
        assert await _count(db, Click) == 14


async def test_unknown_postbacks_past_the_cap_are_answered_but_not_stored(
    limited: Limited,
) -> None:
    async with limited(rate_limit_unknown_postbacks="3/minute") as (app, client):
        db = app.state.db
        offer = await make_offer(db)
        affiliate = await make_affiliate(db)
        await app.state.components["tracking_cache"].reload()
        me = {"X-Forwarded-For": random_address()}
        answers = []
        for _ in range(6):
            params = {"nid": "1", "transaction_id": secrets.token_hex(16)}
            answers.append(await client.get("/", params=params, headers=me))
        assert {a.status_code for a in answers} == {200}
        assert {a.json()["error_code"] for a in answers} == {13}
        assert await _count(db, Conversion) == 3
        # Valid postbacks from that address (the advertiser's server) are all recorded.
        link = f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}"
        for _ in range(5):
            click = await client.get(link)
            tid = click.headers["location"].rsplit("tid=", 1)[1]
            answer = await client.get("/", params={"nid": "1", "transaction_id": tid}, headers=me)
            assert answer.json()["status"] == "approved"
        assert await _count(db, Conversion) == 8


async def test_clicks_per_address_are_limited_only_when_asked(limited: Limited) -> None:
    async with limited(rate_limit_clicks="2/minute") as (app, client):
        db = app.state.db
        offer = await make_offer(db)
        affiliate = await make_affiliate(db)
        await app.state.components["tracking_cache"].reload()
        link = f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}"
        me = {"X-Forwarded-For": random_address()}
        answers = [await client.get(link, headers=me) for _ in range(3)]
        assert [a.status_code for a in answers] == [302, 302, 429]
        assert 1 <= int(answers[2].headers["retry-after"]) <= 60
        assert await _count(db, Click) == 2
    async with limited() as (app, client):  # the default: no per-address click limit
        db = app.state.db
        offer = await make_offer(db)
        affiliate = await make_affiliate(db)
        await app.state.components["tracking_cache"].reload()
        link = f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}"
        answers = [await client.get(link, headers=me) for _ in range(100)]
        assert {a.status_code for a in answers} == {302}


async def test_caps_are_off_with_rate_limits_false(limited: Limited) -> None:
    overrides = {"rate_limits": False, "rate_limit_invalid_clicks": "1/minute"}
    async with limited(**overrides) as (app, client):
        me = {"X-Forwarded-For": random_address()}
        for _ in range(4):
            await client.get("/c?oid=999999&affid=1", headers=me)
            await client.get("/", params={"nid": "1", "transaction_id": "f" * 32}, headers=me)
        assert await _count(app.state.db, Click) == 4
        assert await _count(app.state.db, Conversion) == 4
