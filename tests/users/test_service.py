"""Users, sessions and the sign-in throttle, against a real database (both engines)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.errors import Conflict, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from clicktrail.models import SignInAttempt, WebSession
from clicktrail.users import service, throttle
from tests.fixtures.factories import make_affiliate, make_user


async def test_create_user_lowercases_and_hashes(db: Database) -> None:
    async with db.write() as session:
        user, password = await service.create_user(
            session, email="  Ana@Example.COM ", role="manager"
        )
    assert user.email == "ana@example.com"
    assert len(password) >= 16
    assert password not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


async def test_create_user_refuses_bad_input(db: Database) -> None:
    await make_user(db, "admin", email="a@example.com")
    cases: list[tuple[dict[str, object], type[Exception], str]] = [
        ({"email": "nope", "role": "admin"}, ValidationFailed, "email"),
        ({"email": "x@example.com", "role": "root"}, ValidationFailed, "role"),
        ({"email": "x@example.com", "role": "affiliate"}, ValidationFailed, "affiliate_id"),
        (
            {"email": "x@example.com", "role": "affiliate", "affiliate_id": 999},
            NotFound,
            "affiliate_id",
        ),
        (
            {"email": "x@example.com", "role": "admin", "affiliate_id": 1},
            ValidationFailed,
            "affiliate_id",
        ),
        (
            {"email": "x@example.com", "role": "admin", "password": "short"},
            ValidationFailed,
            "password",
        ),
        ({"email": "A@example.com", "role": "admin"}, Conflict, "email"),
    ]
    for fields, error, field in cases:
        async with db.write() as session:
            with pytest.raises(error) as caught:
                await service.create_user(session, **fields)  # type: ignore[arg-type]
            assert getattr(caught.value, "field", None) == field, fields


async def test_affiliate_user_is_bound(db: Database) -> None:
    affiliate = await make_affiliate(db)
    user, _ = await make_user(db, "affiliate", affiliate_id=affiliate.network_affiliate_id)
    assert user.network_affiliate_id == affiliate.network_affiliate_id


async def test_verify_credentials_and_sessions(db: Database) -> None:
    user, password = await make_user(db, "admin", email="boss@example.com")
    async with db.write() as session:
        found = await service.verify_credentials(session, "BOSS@example.com", password, "1.2.3.4")
        assert found.id == user.id
        assert found.last_login_at is not None
        _web, raw = await service.start_session(session, found, "1.2.3.4")
    async with db.read() as session:
        signed = await service.session_user(session, raw)
    assert signed is not None
    assert signed[0].id == user.id
    async with db.write() as session:
        assert await service.end_session(session, raw)
    async with db.read() as session:
        assert await service.session_user(session, raw) is None
        row = await session.scalar(select(WebSession).where(WebSession.user_id == user.id))
        assert row is not None
        assert row.revoked_at is not None


async def test_wrong_password_is_unauthorized_and_recorded(db: Database) -> None:
    await make_user(db, "admin", email="boss@example.com")
    async with db.write() as session:
        with pytest.raises(Unauthorized):
            await service.verify_credentials(session, "boss@example.com", "wrong!!!!", "1.2.3.4")
    async with db.write() as session:
        with pytest.raises(Unauthorized):
            await service.verify_credentials(session, "nobody@example.com", "x", "1.2.3.4")
    async with db.read() as session:
        failures = await session.scalar(
            select(func.count()).select_from(SignInAttempt).where(~SignInAttempt.succeeded)
        )
    assert failures == 2


async def test_account_is_throttled_after_failures(db: Database) -> None:
    _user, password = await make_user(db, "admin", email="boss@example.com")
    for n in range(throttle.ACCOUNT_FAILURES):
        async with db.write() as session:
            with pytest.raises(Unauthorized):
                await service.verify_credentials(session, "boss@example.com", "bad", f"10.0.0.{n}")
    async with db.write() as session:
        with pytest.raises(TooManyRequests):
            # even the right password, from a fresh address
            await service.verify_credentials(session, "boss@example.com", password, "10.9.9.9")


async def test_address_is_throttled_across_accounts(db: Database) -> None:
    _user, password = await make_user(db, "admin", email="boss@example.com")
    for n in range(throttle.ADDRESS_FAILURES):
        async with db.write() as session:
            with pytest.raises(Unauthorized):
                await service.verify_credentials(session, f"u{n}@example.com", "bad", "6.6.6.6")
    async with db.write() as session:
        with pytest.raises(TooManyRequests):
            await service.verify_credentials(session, "boss@example.com", password, "6.6.6.6")
    async with db.write() as session:
        assert await service.verify_credentials(session, "boss@example.com", password, "7.7.7.7")


async def test_disable_and_set_password_end_sessions(db: Database) -> None:
    user, password = await make_user(db, "manager")
    async with db.write() as session:
        _web, raw = await service.start_session(session, user)
        new = await service.set_password(session, user.id)
    async with db.read() as session:
        assert await service.session_user(session, raw) is None
    async with db.write() as session:
        assert await service.verify_credentials(session, user.email, new, "1.1.1.1")
        _web, raw = await service.start_session(session, user)
        await service.disable_user(session, user.id)
    async with db.write() as session:
        assert await service.session_user(session, raw) is None
        with pytest.raises(Unauthorized):
            await service.verify_credentials(session, user.email, new, "1.1.1.1")
    assert password != new
