"""Inserts that may race with a concurrent twin (same primary or unique key).

On PostgreSQL two transactions can both find "no row yet" and both insert; the second
insert fails on the unique index once the first commits. Running the insert in a savepoint
turns that failure into a clean "someone else made it" answer without aborting the
caller's transaction. (On SQLite writers are serialised by BEGIN IMMEDIATE.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")


async def in_savepoint(session: AsyncSession, work: Callable[[], Awaitable[T]]) -> T | None:
    """Run ``work`` in a savepoint; None when it hit a unique/primary-key violation.

    On SQLite no concurrent twin can exist (one writer at a time), so the savepoint's two
    extra statements are skipped and a violation propagates as a bug would."""
    if session.get_bind().dialect.name == "sqlite":
        return await work()
    try:
        async with session.begin_nested():
            return await work()
    except IntegrityError:
        return None
