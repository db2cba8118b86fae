"""Users and their web sessions (ADR 0084): accounts, passwords, sign-in, sessions.

Services never commit. A raw session token is returned once (for the cookie) and only its
SHA-256 hash is stored, like API keys.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import Conflict, NotFound, TooManyRequests, Unauthorized, ValidationFailed
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Advertiser, Affiliate, User, WebSession
from clicktrail.users import passwords, repository, throttle
from clicktrail.users.roles import ROLES

#: How long a web session lasts after sign-in.
SESSION_LIFETIME = timedelta(hours=12)
MAX_EMAIL = 254


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def normalize_email(email: str) -> str:
    """``email`` trimmed and lower-cased; a 400 naming ``email`` when it is not one."""
    email = email.strip().lower()
    local, at, domain = email.partition("@")
    if (
        not at
        or not local
        or not domain
        or "@" in domain
        or len(email) > MAX_EMAIL
        or any(c.isspace() or ord(c) < 32 for c in email)
    ):
        raise ValidationFailed("email must look like name@domain", field="email")
    return email


def check_password(password: str) -> str:
    if not passwords.MIN_LENGTH <= len(password) <= passwords.MAX_LENGTH:
        raise ValidationFailed(
            f"password must be {passwords.MIN_LENGTH} to {passwords.MAX_LENGTH} characters",
            field="password",
        )
    return password


async def _check_binding(
    session: AsyncSession, role: str, affiliate_id: int | None, advertiser_id: int | None
) -> None:
    if role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", field="role")
    if role == "affiliate":
        if affiliate_id is None:
            raise ValidationFailed("an affiliate user needs an affiliate id", field="affiliate_id")
        if await session.get(Affiliate, affiliate_id) is None:
            raise NotFound(f"affiliate {affiliate_id} does not exist", field="affiliate_id")
    elif affiliate_id is not None:
        raise ValidationFailed("only an affiliate user has an affiliate id", field="affiliate_id")
    if role == "advertiser":
        if advertiser_id is None:
            raise ValidationFailed(
                "an advertiser user needs an advertiser id", field="advertiser_id"
            )
        if await session.get(Advertiser, advertiser_id) is None:
            raise NotFound(f"advertiser {advertiser_id} does not exist", field="advertiser_id")
    elif advertiser_id is not None:
        raise ValidationFailed(
            "only an advertiser user has an advertiser id", field="advertiser_id"
        )


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    role: str,
    affiliate_id: int | None = None,
    advertiser_id: int | None = None,
    password: str | None = None,
) -> tuple[User, str]:
    """A new active user and its password (the one given, or a generated one to show once)."""
    email = normalize_email(email)
    await _check_binding(session, role, affiliate_id, advertiser_id)
    password = passwords.generate() if password is None else check_password(password)
    if await repository.user_by_email(session, email) is not None:
        raise Conflict(f"a user with email {email} already exists", field="email")
    user = User(
        email=email,
        password_hash=await passwords.hash_password(password),
        role=role,
        network_affiliate_id=affiliate_id,
        network_advertiser_id=advertiser_id,
        is_active=True,
        created_at=utcnow(),
        last_login_at=None,
    )
    return await repository.add_user(session, user), password


async def get_user(session: AsyncSession, user_id: int) -> User:
    user = await repository.user_by_id(session, user_id)
    if user is None:
        raise NotFound(f"user {user_id} does not exist", field="id")
    return user


async def find_user(session: AsyncSession, email_or_id: str) -> User:
    """A user by its id (digits) or its email."""
    text = email_or_id.strip()
    if text.isdigit():
        return await get_user(session, int(text))
    user = await repository.user_by_email(session, text.lower())
    if user is None:
        raise NotFound(f"no user with email {text}", field="email")
    return user


async def list_users(session: AsyncSession, role: str | None = None) -> Sequence[User]:
    if role is not None and role not in ROLES:
        raise ValidationFailed(f"role must be one of {', '.join(ROLES)}", field="role")
    return await repository.users(session, role)


async def user_page(
    session: AsyncSession, *, offset: int, limit: int
) -> tuple[Sequence[User], int]:
    """A page of users (active first, then oldest first) and the total."""
    return await repository.user_page(session, offset=offset, limit=limit)


async def has_any_user(session: AsyncSession) -> bool:
    return await repository.count_users(session) > 0


async def set_password(session: AsyncSession, user_id: int, password: str | None = None) -> str:
    """Set a user's password (generated when none is given) and end all its sessions."""
    user = await get_user(session, user_id)
    password = passwords.generate() if password is None else check_password(password)
    user.password_hash = await passwords.hash_password(password)
    await repository.revoke_sessions_of(session, user.id, utcnow())
    return password


async def disable_user(session: AsyncSession, user_id: int) -> User:
    """Disable a user: it cannot sign in any more and its sessions end now."""
    user = await get_user(session, user_id)
    user.is_active = False
    await repository.revoke_sessions_of(session, user.id, utcnow())
    return user


async def enable_user(session: AsyncSession, user_id: int) -> User:
    user = await get_user(session, user_id)
    user.is_active = True
    return user


async def verify_credentials(
    session: AsyncSession, email: str, password: str, address: str
) -> User:
    """The active user with this email and password. Raises ``TooManyRequests`` when the
    account or the address is throttled, ``Unauthorized`` for anything else that is wrong
    (one message, whatever it was). The attempt is added to ``session``: a caller that
    catches the error must still commit it."""
    email = email.strip().lower()[:MAX_EMAIL]
    address = address[:64]
    now = utcnow()
    if await throttle.throttled(session, email, address, now):
        raise TooManyRequests(
            "Too many failed sign-ins. Wait 15 minutes and try again.", field="email"
        )
    user = await repository.user_by_email(session, email) if email else None
    matched = await passwords.verify_password(
        user.password_hash if user is not None else None, password[: passwords.MAX_LENGTH]
    )
    if user is None or not matched or not user.is_active:
        await throttle.record(session, email, address, now, succeeded=False)
        raise Unauthorized("Wrong email or password.", field="email")
    await throttle.record(session, email, address, now, succeeded=True)
    user.last_login_at = now
    return user


async def start_session(
    session: AsyncSession, user: User, address: str = ""
) -> tuple[WebSession, str]:
    """A new web session for ``user`` and its raw token (for the cookie, never stored)."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    web_session = WebSession(
        token_hash=hash_token(raw),
        user_id=user.id,
        csrf_secret=secrets.token_urlsafe(32),
        address=address[:64],
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
        revoked_at=None,
    )
    return await repository.add_session(session, web_session), raw


async def end_session(session: AsyncSession, raw_token: str) -> bool:
    """Revoke the session with this token; whether there was one to end."""
    return await repository.revoke_session(session, hash_token(raw_token), utcnow()) > 0


async def session_user(
    session: AsyncSession, raw_token: str | None, now: datetime | None = None
) -> tuple[User, WebSession] | None:
    """The signed-in user of a live session token, or None (unknown, expired, revoked,
    disabled user)."""
    if not raw_token or len(raw_token) > 128:
        return None
    found = await repository.live_session(session, hash_token(raw_token), now or utcnow())
    if found is None:
        return None
    web_session, user = found
    return user, web_session


async def users_of_affiliate(session: AsyncSession, affiliate_id: int) -> Sequence[User]:
    """The partner-portal users of one affiliate (disabled ones too), oldest first."""
    return await repository.users_of_affiliate(session, affiliate_id)
