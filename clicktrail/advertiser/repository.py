"""Queries on advertisers."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Advertiser


async def add(session: AsyncSession, advertiser: Advertiser) -> Advertiser:
    session.add(advertiser)
    await session.flush()
    return advertiser


async def by_id(session: AsyncSession, advertiser_id: int) -> Advertiser | None:
    if not 1 <= advertiser_id <= MAX_INT32:
        return None
    return await session.get(Advertiser, advertiser_id)


async def page(session: AsyncSession, offset: int, limit: int) -> Sequence[Advertiser]:
    result = await session.scalars(
        select(Advertiser).order_by(Advertiser.network_advertiser_id).offset(offset).limit(limit)
    )
    return result.all()


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Advertiser)) or 0)
