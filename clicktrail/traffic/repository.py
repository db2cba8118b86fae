"""Queries on traffic controls and conversion throttles."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Advertiser, Affiliate, ConversionThrottle, Offer, TrafficControl


async def add(
    session: AsyncSession, row: TrafficControl | ConversionThrottle
) -> TrafficControl | ConversionThrottle:
    session.add(row)
    await session.flush()
    return row


async def delete(session: AsyncSession, row: TrafficControl | ConversionThrottle) -> None:
    await session.delete(row)
    await session.flush()


async def control_by_id(session: AsyncSession, control_id: int) -> TrafficControl | None:
    if not 1 <= control_id <= MAX_INT32:
        return None
    return await session.get(TrafficControl, control_id)


async def controls_page(
    session: AsyncSession, offset: int, limit: int
) -> tuple[Sequence[TrafficControl], int]:
    total = await session.scalar(select(func.count()).select_from(TrafficControl))
    rows = await session.scalars(
        select(TrafficControl)
        .order_by(TrafficControl.network_traffic_control_id)
        .offset(offset)
        .limit(limit)
    )
    return rows.all(), int(total or 0)


async def throttle_by_id(session: AsyncSession, throttle_id: int) -> ConversionThrottle | None:
    if not 1 <= throttle_id <= MAX_INT32:
        return None
    return await session.get(ConversionThrottle, throttle_id)


async def throttle_for(
    session: AsyncSession, offer_id: int, affiliate_id: int
) -> ConversionThrottle | None:
    return await session.scalar(
        select(ConversionThrottle).where(
            ConversionThrottle.network_offer_id == offer_id,
            ConversionThrottle.network_affiliate_id == affiliate_id,
        )
    )


async def throttles_page(
    session: AsyncSession, offset: int, limit: int
) -> tuple[Sequence[ConversionThrottle], int]:
    total = await session.scalar(select(func.count()).select_from(ConversionThrottle))
    rows = await session.scalars(
        select(ConversionThrottle)
        .order_by(ConversionThrottle.network_conversion_throttle_id)
        .offset(offset)
        .limit(limit)
    )
    return rows.all(), int(total or 0)


async def missing_ids(session: AsyncSession, kind: str, ids: Collection[int]) -> list[int]:
    """The ids among ``ids`` that name no offer / affiliate / advertiser (``kind``)."""
    if not ids:
        return []
    column = {
        "offer": Offer.network_offer_id,
        "affiliate": Affiliate.network_affiliate_id,
        "advertiser": Advertiser.network_advertiser_id,
    }[kind]
    found = set((await session.scalars(select(column).where(column.in_(sorted(set(ids)))))).all())
    return sorted(set(ids) - found)
