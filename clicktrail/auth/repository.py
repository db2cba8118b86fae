"""Queries on API keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Affiliate, ApiKey


async def add(session: AsyncSession, key: ApiKey) -> ApiKey:
    session.add(key)
    await session.flush()
    return key


async def by_hash(session: AsyncSession, key_hash: str) -> ApiKey | None:
    result = await session.execute(select(ApiKey).where(ApiKey.key_hash == key_hash))
    return result.scalar_one_or_none()


async def by_id(session: AsyncSession, key_id: int) -> ApiKey | None:
    return await session.get(ApiKey, key_id)


async def all_keys(session: AsyncSession) -> Sequence[ApiKey]:
    result = await session.execute(select(ApiKey).order_by(ApiKey.id))
    return result.scalars().all()


async def key_page(
    session: AsyncSession, *, realm: str | None, offset: int, limit: int
) -> tuple[list[tuple[ApiKey, str]], int]:
    """One page of keys with their affiliate's name ("" for network keys), live ones first
    and then newest first, and the matching total."""
    query = select(ApiKey, Affiliate.name).outerjoin(
        Affiliate, Affiliate.network_affiliate_id == ApiKey.network_affiliate_id
    )
    counted = select(func.count()).select_from(ApiKey)
    if realm is not None:
        query = query.where(ApiKey.realm == realm)
        counted = counted.where(ApiKey.realm == realm)
    revoked_last = case((ApiKey.revoked_at.is_(None), 0), else_=1)
    query = query.order_by(revoked_last, ApiKey.id.desc()).offset(offset).limit(limit)
    rows = [(key, name or "") for key, name in (await session.execute(query)).all()]
    return rows, int((await session.execute(counted)).scalar_one())


async def count_active(session: AsyncSession) -> int:
    result = await session.execute(
        select(func.count()).select_from(ApiKey).where(ApiKey.revoked_at.is_(None))
    )
    return int(result.scalar_one())


async def touch(session: AsyncSession, key_id: int, moment: datetime, every: float) -> None:
    """Set ``last_used_at`` unless it was set less than ``every`` seconds before ``moment``."""
    stale = moment - timedelta(seconds=every)
    await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id)
        .where(or_(ApiKey.last_used_at.is_(None), ApiKey.last_used_at <= stale))
        .values(last_used_at=moment)
    )


async def of_affiliate(session: AsyncSession, affiliate_id: int) -> Sequence[ApiKey]:
    """An affiliate's keys, revoked ones too, newest first."""
    result = await session.execute(
        select(ApiKey)
        .where(ApiKey.realm == "affiliate", ApiKey.network_affiliate_id == affiliate_id)
        .order_by(ApiKey.id.desc())
    )
    return result.scalars().all()


async def active_affiliate_keys(session: AsyncSession, affiliate_id: int) -> Sequence[ApiKey]:
    result = await session.execute(
        select(ApiKey)
        .where(
            ApiKey.realm == "affiliate",
            ApiKey.network_affiliate_id == affiliate_id,
            ApiKey.revoked_at.is_(None),
        )
        .order_by(ApiKey.id)
    )
    return result.scalars().all()
