"""Queries on users, web sessions and sign-in attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import SignInAttempt, User, WebSession


async def add_user(session: AsyncSession, user: User) -> User:
    session.add(user)
    await session.flush()
    return user


async def user_by_id(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def user_by_email(session: AsyncSession, email: str) -> User | None:
    result = await session.execute(select(User).where(User.email == email))
    return result.scalar_one_or_none()


async def users(session: AsyncSession, role: str | None = None) -> Sequence[User]:
    query = select(User).order_by(User.id)
    if role is not None:
        query = query.where(User.role == role)
    return (await session.execute(query)).scalars().all()


async def user_page(
    session: AsyncSession, *, offset: int, limit: int
) -> tuple[Sequence[User], int]:
    """One page of users, active ones first, then by id, and how many there are."""
    query = select(User).order_by(User.is_active.desc(), User.id).offset(offset).limit(limit)
    return (await session.scalars(query)).all(), await count_users(session)


async def count_users(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(User)) or 0)


async def add_session(session: AsyncSession, web_session: WebSession) -> WebSession:
    session.add(web_session)
    await session.flush()
    return web_session


async def live_session(
    session: AsyncSession, token_hash: str, now: datetime
) -> tuple[WebSession, User] | None:
    """The unrevoked, unexpired session with this token and its active user."""
    query = (
        select(WebSession, User)
        .join(User, User.id == WebSession.user_id)
        .where(
            WebSession.token_hash == token_hash,
            WebSession.revoked_at.is_(None),
            WebSession.expires_at > now,
            User.is_active.is_(True),
        )
    )
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1])


async def revoke_session(session: AsyncSession, token_hash: str, now: datetime) -> int:
    result = await session.execute(
        update(WebSession)
        .where(WebSession.token_hash == token_hash, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def revoke_sessions_of(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(
        update(WebSession)
        .where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def add_attempt(session: AsyncSession, attempt: SignInAttempt) -> None:
    session.add(attempt)
    await session.flush()


async def failures_since(
    session: AsyncSession, since: datetime, *, email: str | None = None, address: str | None = None
) -> int:
    query = (
        select(func.count())
        .select_from(SignInAttempt)
        .where(SignInAttempt.at > since, SignInAttempt.succeeded.is_(False))
    )
    if email is not None:
        query = query.where(SignInAttempt.email == email)
    if address is not None:
        query = query.where(SignInAttempt.address == address)
    return int(await session.scalar(query) or 0)


async def last_success(session: AsyncSession, email: str) -> datetime | None:
    query = select(func.max(SignInAttempt.at)).where(
        SignInAttempt.email == email, SignInAttempt.succeeded.is_(True)
    )
    found: datetime | None = await session.scalar(query)
    return found


async def purge(session: AsyncSession, before: datetime) -> None:
    """Forget attempts and ended sessions older than ``before``."""
    await session.execute(delete(SignInAttempt).where(SignInAttempt.at < before))
    await session.execute(delete(WebSession).where(WebSession.expires_at < before))


async def users_of_affiliate(session: AsyncSession, affiliate_id: int) -> Sequence[User]:
    """The ``affiliate`` users bound to one affiliate, oldest first."""
    query = (
        select(User)
        .where(User.role == "affiliate", User.network_affiliate_id == affiliate_id)
        .order_by(User.id)
    )
    return (await session.execute(query)).scalars().all()
