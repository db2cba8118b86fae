"""Sign-in throttling, counted in the database (ADR 0084) so that every server process of
``serve --workers N`` shares the counts.

An account is refused for a while after ``ACCOUNT_FAILURES`` failed tries within
``WINDOW`` (a success resets its count); an address after ``ADDRESS_FAILURES``, whatever
accounts it tried. The refusal comes before the password is checked, so a refused try
costs no argon2 hash and reveals nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import SignInAttempt
from clicktrail.users import repository

WINDOW = timedelta(minutes=15)
ACCOUNT_FAILURES = 5
ADDRESS_FAILURES = 20
#: How long attempts (and expired sessions) are kept before they are purged.
KEEP = timedelta(days=1)


async def throttled(session: AsyncSession, email: str, address: str, now: datetime) -> bool:
    since = now - WINDOW
    if await repository.failures_since(session, since, address=address) >= ADDRESS_FAILURES:
        return True
    success = await repository.last_success(session, email)
    if success is not None and success > since:
        since = success
    return await repository.failures_since(session, since, email=email) >= ACCOUNT_FAILURES


async def record(
    session: AsyncSession, email: str, address: str, now: datetime, *, succeeded: bool
) -> None:
    await repository.add_attempt(
        session, SignInAttempt(email=email, address=address, succeeded=succeeded, at=now)
    )
    if succeeded:
        await repository.purge(session, now - KEEP)
