"""Users in the console: admins only; a new user's one-time password shown once and working;
disable (never oneself), enable, password reset; errors beside the field."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import User
from tests.fixtures.factories import make_affiliate, make_user
from tests.fixtures.web import csrf, sign_in, sign_in_as

PASSWORD = re.compile(r'id="one-time-password" type="text" value="([^"]+)"')


async def _user(db: Database, email: str) -> User:
    async with db.read() as session:
        found = (await session.scalars(select(User).where(User.email == email))).first()
        assert found is not None
        return found


async def _count(db: Database) -> int:
    async with db.read() as session:
        return len((await session.scalars(select(User))).all())


def _form(token: str, **values: str) -> dict[str, str]:
    return {
        "csrf_token": token,
        "email": "",
        "role": "manager",
        "affiliate_id": "",
        "advertiser_id": "",
    } | values


async def test_an_admin_creates_an_affiliate_user_who_signs_in_with_the_shown_password(
    db: Database, web_client: httpx.AsyncClient, app: object
) -> None:
    affiliate = await make_affiliate(db, name="Partner Co")
    await sign_in_as(web_client, db, "admin")
    assert (await web_client.get("/app/users/new")).status_code == 200
    token = await csrf(web_client, "/app/users/new")
    created = await web_client.post(
        "/app/users",
        data=_form(
            token,
            email="Pat@Partner.example",
            role="affiliate",
            affiliate_id=str(affiliate.network_affiliate_id),
            advertiser_id="",
        ),
    )
    assert created.status_code == 200
    assert created.headers["cache-control"] == "no-store"
    found = PASSWORD.search(created.text)
    assert found is not None
    user = await _user(db, "pat@partner.example")
    assert (user.role, user.network_affiliate_id, user.is_active) == (
        "affiliate",
        affiliate.network_affiliate_id,
        True,
    )
    listed = await web_client.get("/app/users")
    assert "pat@partner.example" in listed.text
    assert found.group(1) not in listed.text

    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as fresh:
        await sign_in(fresh, "pat@partner.example", found.group(1))
        assert (await fresh.get("/app/users")).status_code == 403


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b.example", "role": "overlord"}, "role"),
        ({"email": "a@b.example", "role": "affiliate"}, "affiliate_id"),
        ({"email": "a@b.example", "role": "affiliate", "affiliate_id": "999999"}, "affiliate_id"),
        ({"email": "a@b.example", "role": "affiliate", "affiliate_id": "x1"}, "affiliate_id"),
        ({"email": "a@b.example", "role": "advertiser"}, "advertiser_id"),
    ],
)
async def test_a_bad_user_is_400_beside_its_field(
    db: Database, web_client: httpx.AsyncClient, values: dict[str, str], field: str
) -> None:
    await sign_in_as(web_client, db, "admin")
    before = await _count(db)
    token = await csrf(web_client, "/app/users/new")
    response = await web_client.post("/app/users", data=_form(token, **values))
    assert response.status_code == 400
    assert f'id="u-{field}-error" class="field-error"' in response.text
    assert await _count(db) == before


async def test_an_email_in_use_is_refused_beside_the_email(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    await make_user(db, "manager", email="taken@example.com")
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/users/new")
    response = await web_client.post("/app/users", data=_form(token, email="TAKEN@example.com"))
    assert response.status_code == 400
    assert 'id="u-email-error" class="field-error"' in response.text


async def test_disable_enable_and_reset_a_password(
    db: Database, web_client: httpx.AsyncClient, app: object
) -> None:
    other, old_password = await make_user(db, "manager", email="ops@example.com")
    await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/users")

    disabled = await web_client.post(f"/app/users/{other.id}/disable", data={"csrf_token": token})
    assert disabled.status_code == 303
    assert (await _user(db, "ops@example.com")).is_active is False
    assert "is disabled" in (await web_client.get("/app/users")).text
    enabled = await web_client.post(f"/app/users/{other.id}/enable", data={"csrf_token": token})
    assert enabled.status_code == 303
    assert (await _user(db, "ops@example.com")).is_active is True

    reset = await web_client.post(f"/app/users/{other.id}/password", data={"csrf_token": token})
    assert reset.status_code == 200
    assert reset.headers["cache-control"] == "no-store"
    found = PASSWORD.search(reset.text)
    assert found is not None
    assert found.group(1) != old_password
    transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as fresh:
        await sign_in(fresh, "ops@example.com", found.group(1))
        assert (await fresh.get("/app/postbacks")).status_code == 200


async def test_an_admin_cannot_disable_themself(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    me, _password = await sign_in_as(web_client, db, "admin")
    token = await csrf(web_client, "/app/users")
    response = await web_client.post(f"/app/users/{me.id}/disable", data={"csrf_token": token})
    assert response.status_code == 400
    assert "cannot disable your own account" in response.text
    assert (await _user(db, me.email)).is_active is True
    assert (await web_client.get("/app/users")).status_code == 200  # still signed in


async def test_forged_forms_and_unknown_users(db: Database, web_client: httpx.AsyncClient) -> None:
    other, _ = await make_user(db, "manager")
    await sign_in_as(web_client, db, "admin")
    forged = await web_client.post(f"/app/users/{other.id}/disable", data={"csrf_token": "x"})
    assert forged.status_code == 403
    assert (await _user(db, other.email)).is_active is True
    token = await csrf(web_client, "/app/users")
    missing = await web_client.post("/app/users/987654/disable", data={"csrf_token": token})
    assert missing.status_code == 404


@pytest.mark.parametrize("role", ["manager", "affiliate"])
async def test_only_admins_manage_users(
    db: Database, web_client: httpx.AsyncClient, role: str
) -> None:
    other, _ = await make_user(db, "manager")
    await sign_in_as(web_client, db, role)
    for path in ("/app/users", "/app/users/new"):
        assert (await web_client.get(path)).status_code == 403
    refused = await web_client.post(f"/app/users/{other.id}/disable", data={"csrf_token": "x"})
    assert refused.status_code == 403
    assert (await _user(db, other.email)).is_active is True
