"""Queries of the tracking cache: what links resolve to, and a cheap "did anything change?"."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import lazyload

from clicktrail.models import (
    Affiliate,
    CacheGeneration,
    CustomPayoutRevenue,
    Network,
    Offer,
    OfferPayoutRevenue,
    OfferVisibility,
    TrafficControl,
)
from clicktrail.models.cache_generation import ROW_ID

NETWORK_ID = 1


def _fingerprint_query() -> Any:
    """One statement of scalar subqueries: one round trip per refresh (every second), built
    once so SQLAlchemy's compiled cache serves it."""
    parts = (
        select(func.count()).select_from(Offer),
        select(func.max(Offer.time_saved)),
        select(func.count()).select_from(Affiliate),
        select(func.max(Affiliate.time_saved)),
        select(func.count()).select_from(OfferPayoutRevenue),
        select(func.max(OfferPayoutRevenue.network_offer_payout_revenue_id)),
        select(func.sum(OfferPayoutRevenue.payout_amount)),
        select(func.sum(OfferPayoutRevenue.revenue_amount)),
        select(Network.time_saved).where(Network.network_id == NETWORK_ID),
        select(Network.fallback_url).where(Network.network_id == NETWORK_ID),
        select(func.count()).select_from(OfferVisibility),
        select(func.max(OfferVisibility.time_saved)),
        select(func.count()).select_from(TrafficControl),
        select(func.max(TrafficControl.time_saved)),
    )
    return select(*(part.scalar_subquery() for part in parts))


_FINGERPRINT = _fingerprint_query()


async def fingerprint(session: AsyncSession) -> tuple[Any, ...]:
    """A tuple that changes whenever an offer, affiliate, base payout, offer visibility, the
    network or a traffic control changes.

    Counts catch inserts and deletes, ``max(time_saved)`` catches edits (every entity write
    bumps it), the payout sums catch edits of payout/revenue entries.
    """
    row = (await session.execute(_FINGERPRINT)).first()
    return tuple(row) if row is not None else ()


async def offer_rows(session: AsyncSession) -> Sequence[Offer]:
    """Every offer (ORM objects, payout entries not loaded)."""
    result = await session.execute(select(Offer).options(lazyload(Offer.payout_revenue)))
    return result.scalars().all()


async def base_entries(session: AsyncSession) -> Sequence[OfferPayoutRevenue]:
    """The base-conversion payout/revenue entry candidates of every offer."""
    result = await session.execute(
        select(OfferPayoutRevenue).where(
            or_(OfferPayoutRevenue.event_id == 0, OfferPayoutRevenue.is_default.is_(True))
        )
    )
    return result.scalars().all()


async def base_custom_settings(session: AsyncSession) -> Sequence[CustomPayoutRevenue]:
    """Every active custom payout/revenue setting on a base conversion (what clicks read)."""
    result = await session.execute(
        select(CustomPayoutRevenue).where(
            CustomPayoutRevenue.network_offer_payout_revenue_id == 0,
            CustomPayoutRevenue.custom_setting_status == "active",
        )
    )
    return result.scalars().all()


async def active_traffic_controls(session: AsyncSession) -> Sequence[TrafficControl]:
    """Every active traffic control, in id order (the order the click path checks them)."""
    result = await session.execute(
        select(TrafficControl)
        .where(TrafficControl.status == "active")
        .order_by(TrafficControl.network_traffic_control_id)
    )
    return result.scalars().all()


async def affiliate_statuses(session: AsyncSession) -> dict[int, str]:
    result = await session.execute(select(Affiliate.network_affiliate_id, Affiliate.account_status))
    return {int(row[0]): str(row[1]) for row in result}


async def visibility_rows(session: AsyncSession) -> list[tuple[int, int, str]]:
    """Every (offer id, affiliate id, visibility type) row of offer visibility."""
    result = await session.execute(
        select(
            OfferVisibility.network_offer_id,
            OfferVisibility.network_affiliate_id,
            OfferVisibility.visibility_type,
        )
    )
    return [(int(row[0]), int(row[1]), str(row[2])) for row in result]


async def network_fallback_url(session: AsyncSession) -> str | None:
    result = await session.execute(
        select(Network.fallback_url).where(Network.network_id == NETWORK_ID)
    )
    value = result.scalar_one_or_none()
    return value or None


async def generation(session: AsyncSession) -> int:
    """The cache generation (0 when its row is missing)."""
    result = await session.execute(
        select(CacheGeneration.generation).where(CacheGeneration.id == ROW_ID)
    )
    value = result.scalar_one_or_none()
    return int(value) if value is not None else 0


async def exists(session: AsyncSession, offer_id: int | None, affiliate_id: int | None) -> bool:
    """Whether the offer or the affiliate (either, when both are given) has a row."""
    if offer_id is not None:
        found = await session.execute(
            select(Offer.network_offer_id).where(Offer.network_offer_id == offer_id)
        )
        if found.first() is not None:
            return True
    if affiliate_id is not None:
        found = await session.execute(
            select(Affiliate.network_affiliate_id).where(
                Affiliate.network_affiliate_id == affiliate_id
            )
        )
        if found.first() is not None:
            return True
    return False
