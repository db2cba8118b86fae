"""Queries on affiliates."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate


async def add(session: AsyncSession, affiliate: Affiliate) -> Affiliate:
    session.add(affiliate)
    await session.flush()
    return affiliate


async def by_id(session: AsyncSession, affiliate_id: int) -> Affiliate | None:
    if not 1 <= affiliate_id <= MAX_INT32:
        return None
    return await session.get(Affiliate, affiliate_id)


async def page(session: AsyncSession, offset: int, limit: int) -> Sequence[Affiliate]:
    result = await session.scalars(
        select(Affiliate).order_by(Affiliate.network_affiliate_id).offset(offset).limit(limit)
    )
    return result.all()


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Affiliate)) or 0)
