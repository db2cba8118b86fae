"""Sign-in, sign-out, the throttle and CSRF, through the real app (both engines)."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import SignInAttempt, WebSession
from clicktrail.users import throttle
from tests.fixtures.factories import make_user
from tests.fixtures.web import csrf, sign_in, sign_in_as


async def _post_login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    token = await csrf(client, "/app/login")
    return await client.post(
        "/app/login", data={"email": email, "password": password, "csrf_token": token}
    )


async def test_console_asks_for_sign_in_and_comes_back(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    response = await web_client.get("/app/?x=1")
    assert response.status_code == 303
    assert response.headers["location"] == "/app/login?next=%2Fapp%2F%3Fx%3D1"
    user, password = await make_user(db, "manager")
    token = await csrf(web_client, "/app/login?next=/app/?x=1")
    response = await web_client.post(
        "/app/login",
        data={"email": user.email, "password": password, "csrf_token": token, "next": "/app/?x=1"},
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/app/?x=1"
    cookie = response.headers["set-cookie"]
    assert "ct_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http
    page = await web_client.get("/app/")
    assert page.status_code == 200
    assert "<h1>Dashboard</h1>" in page.text
    assert user.email in page.text


async def test_sign_out_ends_the_session_on_the_server(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    user, _ = await sign_in_as(web_client, db, "admin")
    raw = web_client.cookies["ct_session"]
    token = await csrf(web_client, "/app/")
    response = await web_client.post("/app/logout", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/app/login"
    async with db.read() as session:
        row = await session.scalar(select(WebSession).where(WebSession.user_id == user.id))
    assert row is not None
    assert row.revoked_at is not None
    # The old cookie, replayed, no longer opens anything.
    replay = httpx.AsyncClient(transport=web_client._transport, base_url="http://testserver")
    async with replay:
        replay.cookies.set("ct_session", raw)
        assert (await replay.get("/app/")).status_code == 303
    signed_out = await web_client.get("/app/login")
    assert "You are signed out." in signed_out.text


async def test_wrong_password_is_refused_with_a_message(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    user, _ = await make_user(db, "admin")
    response = await _post_login(web_client, user.email, "not the password")
    assert response.status_code == 401
    assert "Wrong email or password." in response.text
    assert "ct_session" not in response.headers.get("set-cookie", "")
    async with db.read() as session:
        attempts = (await session.scalars(select(SignInAttempt))).all()
    assert [(a.email, a.succeeded) for a in attempts] == [(user.email, False)]


async def test_sign_in_is_throttled_per_account(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    user, password = await make_user(db, "admin")
    for _ in range(throttle.ACCOUNT_FAILURES):
        assert (await _post_login(web_client, user.email, "nope nope")).status_code == 401
    response = await _post_login(web_client, user.email, password)
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.text
    assert response.headers["retry-after"] == "900"


async def test_sign_in_form_without_its_token_is_refused(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    user, password = await make_user(db, "admin")
    await web_client.get("/app/login")
    response = await web_client.post(
        "/app/login", data={"email": user.email, "password": password, "csrf_token": "forged"}
    )
    assert response.status_code == 403
    assert "ct_session" not in response.headers.get("set-cookie", "")


async def test_unsafe_request_without_or_with_a_wrong_token_is_403(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    user, _ = await sign_in_as(web_client, db, "admin")
    missing = await web_client.post("/app/logout", data={})
    wrong = await web_client.post("/app/logout", data={"csrf_token": "x" * 43})
    for response in (missing, wrong):
        assert response.status_code == 403
        assert "did not come from this site" in response.text
    async with db.read() as session:
        row = await session.scalar(select(WebSession).where(WebSession.user_id == user.id))
    assert row is not None
    assert row.revoked_at is None  # still signed in
    header = await web_client.post(
        "/app/logout", headers={"X-CSRF-Token": await csrf(web_client, "/app/")}
    )
    assert header.status_code == 303


async def test_next_outside_the_users_area_is_ignored(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    user, password = await make_user(db, "admin")
    for target in ("https://evil.example/", "//evil.example/app/", "/partner/", "/app/\\x"):
        web_client.cookies.clear()  # signed out again
        token = await csrf(web_client, "/app/login")
        response = await web_client.post(
            "/app/login",
            data={"email": user.email, "password": password, "csrf_token": token, "next": target},
        )
        assert response.headers["location"] == "/app/", target


async def test_affiliate_user_lands_in_the_partner_portal(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    user, password = await make_user(db, "affiliate")
    token = await csrf(web_client, "/app/login")
    response = await web_client.post(
        "/app/login",
        data={"email": user.email, "password": password, "csrf_token": token, "next": "/app/"},
    )
    assert response.headers["location"] == "/partner/"
    home = await web_client.get("/partner/")
    assert home.status_code == 200
    assert f"Affiliate {user.network_affiliate_id}" in home.text
    assert (await web_client.get("/app/")).headers["location"] == "/partner/"
    assert (await web_client.get("/advertiser/")).status_code == 403


async def test_console_user_may_not_open_the_partner_portal(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    user, password = await make_user(db, "manager")
    await sign_in(web_client, user.email, password)
    response = await web_client.get("/partner/")
    assert response.status_code == 403
    assert "Not allowed" in response.text


async def test_sign_in_page_sends_a_signed_in_user_on(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    await sign_in_as(web_client, db, "affiliate")
    response = await web_client.get("/app/login?next=/app/")
    assert response.status_code == 303
    assert response.headers["location"] == "/partner/"
