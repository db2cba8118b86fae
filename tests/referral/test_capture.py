"""Referral capture: POST /v1/clicks, POST /v1/signups, the referrals API."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Click, Conversion, Referral
from tests.fixtures.factories import make_click
from tests.referral.conftest import World, count, new_click, new_referral


async def test_click_is_a_real_click_row(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    response = await client.post(
        "/v1/clicks",
        json={
            "programId": world.program_id,
            "trackingId": "partner123",
            "sub1": "s1",
            "referrer": "https://blog.example/post",
            "userAgent": "Mozilla/5.0",
            "ip": "2001:db8::1",
            "utmSource": "newsletter",
            "gclid": "g-1",
        },
        headers=bearer,
    )
    assert response.status_code == 201
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert re.fullmatch(r"[0-9a-f]{32}", data["id"])
    assert data["tracking_id"] == "partner123"
    assert data["program_id"] == world.program_id
    assert data["affiliate_id"] == str(world.affiliate.network_affiliate_id)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", data["created_at"])
    async with db.read() as session:
        click = await session.get(Click, data["id"])
    assert click is not None
    assert click.network_offer_id == world.offer.network_offer_id
    assert click.network_affiliate_id == world.affiliate.network_affiliate_id
    assert (click.sub1, click.gclid, click.user_ip) == ("s1", "g-1", "2001:db8::1")
    assert click.referer == "https://blog.example/post"
    assert click.query_parameters == {"utm_source": "newsletter", "ref": "partner123"}


async def test_click_accepts_numeric_affiliate_id_as_tracking_id(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World
) -> None:
    response = await client.post(
        "/v1/clicks",
        json={
            "program_id": world.offer.network_offer_id,
            "tracking_id": world.affiliate.network_affiliate_id,
        },
        headers=bearer,
    )
    assert response.status_code == 201, response.text


async def test_click_bad_input_names_the_field(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    cases = [
        ({"trackingId": "partner123"}, 400, "programId"),
        ({"programId": world.program_id}, 400, "trackingId"),
        ({"programId": "999999", "trackingId": "partner123"}, 404, "programId"),
        ({"programId": "prg_x", "trackingId": "partner123"}, 404, "programId"),
        ({"programId": world.program_id, "trackingId": "nobody"}, 404, "trackingId"),
        (
            {"programId": world.program_id, "trackingId": "partner123", "sub1": "x" * 300},
            400,
            "sub1",
        ),
    ]
    for body, status, field in cases:
        response = await client.post("/v1/clicks", json=body, headers=bearer)
        assert response.status_code == status, (body, response.text)
        error = response.json()["error"]
        assert response.json()["success"] is False
        assert error["field"] == field, body
    assert await count(db, Click) == 0


async def test_signup_turns_a_click_into_a_lead_and_replays(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    click_id = await new_click(client, bearer, world)
    body = {"click_id": click_id, "email": "ann@example.com", "external_user_id": "u-1"}
    first = await client.post("/v1/signups", json=body, headers=bearer)
    assert first.status_code == 201
    data = first.json()["data"]
    assert data["id"] == click_id
    assert data["status"] == "lead"
    assert data["email"] == "ann@example.com"
    assert data["external_user_id"] == "u-1"
    assert data["affiliate_id"] == str(world.affiliate.network_affiliate_id)
    assert data["program_id"] == world.program_id
    again = await client.post("/v1/signups", json=body, headers=bearer)
    assert again.status_code == 200
    assert again.json()["data"]["id"] == click_id
    assert await count(db, Referral) == 1
    async with db.read() as session:
        click = await session.get(Click, click_id)
    assert click is not None
    assert click.has_conversion is True


async def test_signup_works_for_a_tracking_link_click(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    click = await make_click(db, world.offer, world.affiliate)
    response = await client.post(
        "/v1/signups",
        json={"clickId": click.transaction_id, "email": "b@example.com"},
        headers=bearer,
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["id"] == click.transaction_id


async def test_signup_bad_input(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    click_id = await new_click(client, bearer, world)
    cases = [
        ({"click_id": click_id}, 400, "email"),
        ({"click_id": click_id, "email": "not-an-email"}, 400, "email"),
        ({"email": "a@example.com"}, 400, "click_id"),
        ({"click_id": "f" * 32, "email": "a@example.com"}, 404, "click_id"),
    ]
    for body, status, field in cases:
        response = await client.post("/v1/signups", json=body, headers=bearer)
        assert response.status_code == status, (body, response.text)
        assert response.json()["error"]["field"] == field
    assert await count(db, Referral) == 0


async def test_external_user_id_belongs_to_one_referral(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    await new_referral(client, bearer, world, external_user_id="u-7")
    click_id = await new_click(client, bearer, world)
    response = await client.post(
        "/v1/signups", json={"click_id": click_id, "external_user_id": "u-7"}, headers=bearer
    )
    assert response.status_code == 409
    assert response.json()["error"] == {
        "code": "DUPLICATE_ERROR",
        "message": response.json()["error"]["message"],
        "field": "external_user_id",
    }
    assert await count(db, Referral) == 1


async def test_get_and_attach_customer_id(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    referral = await new_referral(client, bearer, world)
    response = await client.put(
        f"/v1/referrals/{referral['id']}",
        json={"customer_id": "cus_1", "name": "Ann", "metadata": {"plan": "pro"}},
        headers=bearer,
    )
    assert response.status_code == 200, response.text
    got = (await client.get(f"/v1/referrals/{referral['id']}", headers=bearer)).json()["data"]
    assert (got["customer_id"], got["name"], got["metadata"]) == ("cus_1", "Ann", {"plan": "pro"})
    assert got["email"] == "buyer@example.com"  # untouched: not sent
    other = await new_referral(client, bearer, world)
    clash = await client.put(
        f"/v1/referrals/{other['id']}", json={"customer_id": "cus_1"}, headers=bearer
    )
    assert clash.status_code == 409
    assert clash.json()["error"]["field"] == "customer_id"
    async with db.read() as session:
        row = await session.get(Referral, other["id"])
    assert row is not None
    assert row.customer_id is None
    missing = await client.get("/v1/referrals/" + "0" * 32, headers=bearer)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"


async def test_list_referrals_cursor_pages_and_filters(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    ids = [(await new_referral(client, bearer, world))["id"] for _ in range(5)]
    async with db.read() as session:
        rows = (await session.scalars(select(Referral))).all()
    newest_first = [r.id for r in sorted(rows, key=lambda r: (r.created_at, r.id), reverse=True)]
    assert sorted(newest_first) == sorted(ids)

    page1 = (await client.get("/v1/referrals?limit=2", headers=bearer)).json()
    assert [r["id"] for r in page1["data"]] == newest_first[:2]
    assert page1["has_more"] is True
    page2 = (
        await client.get(f"/v1/referrals?limit=2&starting_after={newest_first[1]}", headers=bearer)
    ).json()
    assert [r["id"] for r in page2["data"]] == newest_first[2:4]
    page3 = (
        await client.get(f"/v1/referrals?limit=2&starting_after={newest_first[3]}", headers=bearer)
    ).json()
    assert [r["id"] for r in page3["data"]] == newest_first[4:]
    assert page3["has_more"] is False
    back = (
        await client.get(f"/v1/referrals?limit=2&ending_before={newest_first[4]}", headers=bearer)
    ).json()
    assert [r["id"] for r in back["data"]] == newest_first[2:4]
    assert back["has_more"] is True
    asc = (await client.get("/v1/referrals?limit=100&order=asc", headers=bearer)).json()
    assert [r["id"] for r in asc["data"]] == list(reversed(newest_first))

    await client.put(f"/v1/referrals/{ids[0]}", json={"status": "customer"}, headers=bearer)
    only = (await client.get("/v1/referrals?status=customer", headers=bearer)).json()
    assert [r["id"] for r in only["data"]] == [ids[0]]
    none = (await client.get("/v1/referrals?affiliate_id=999", headers=bearer)).json()
    assert none["data"] == []
    bad = await client.get("/v1/referrals?limit=101", headers=bearer)
    assert bad.status_code == 400
    assert bad.json()["error"]["field"] == "limit"


async def test_api_click_is_enriched_and_works_as_an_everflow_click(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    chrome = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
        "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36"
    )
    response = await client.post(
        "/v1/clicks",
        json={"programId": world.program_id, "trackingId": "partner123", "userAgent": chrome},
        headers=bearer,
    )
    click_id = response.json()["data"]["id"]
    async with db.read() as session:
        click = await session.get(Click, click_id)
    assert click is not None
    assert click.browser_name == "Chrome"
    postback = await client.get(f"/?nid=1&transaction_id={click_id}&amount=20")
    assert postback.status_code == 200, postback.text
    async with db.read() as session:
        converted = await session.scalar(
            select(Conversion).where(Conversion.transaction_id == click_id)
        )
    assert converted is not None
    assert converted.network_affiliate_id == world.affiliate.network_affiliate_id


async def test_backfilled_click_keeps_its_time(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    response = await client.post(
        "/v1/clicks",
        json={
            "programId": world.program_id,
            "trackingId": "partner123",
            "createdAt": "2026-01-02T03:04:05Z",
            "sub2": "b",
        },
        headers=bearer,
    )
    assert response.status_code == 201, response.text
    assert response.json()["data"]["created_at"] == "2026-01-02T03:04:05.000Z"
    async with db.read() as session:
        click = await session.get(Click, response.json()["data"]["id"])
    assert click is not None
    assert click.sub2 == "b"
