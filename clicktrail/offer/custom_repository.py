"""Queries on custom payout/revenue settings."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, CustomPayoutRevenue, Offer

_ID = CustomPayoutRevenue.network_custom_payout_revenue_setting_id


async def add(session: AsyncSession, setting: CustomPayoutRevenue) -> CustomPayoutRevenue:
    session.add(setting)
    await session.flush()
    return setting


async def by_id(session: AsyncSession, setting_id: int) -> CustomPayoutRevenue | None:
    if not 1 <= setting_id <= MAX_INT32:
        return None
    return await session.get(CustomPayoutRevenue, setting_id)


async def delete(session: AsyncSession, setting: CustomPayoutRevenue) -> None:
    await session.delete(setting)
    await session.flush()


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def page(
    session: AsyncSession, offer_id: int | None, offset: int, limit: int
) -> tuple[Sequence[CustomPayoutRevenue], int]:
    """Settings by id, optionally of one offer, and how many there are."""
    query = select(CustomPayoutRevenue)
    counted = select(func.count()).select_from(CustomPayoutRevenue)
    if offer_id is not None:
        query = query.where(CustomPayoutRevenue.network_offer_id == offer_id)
        counted = counted.where(CustomPayoutRevenue.network_offer_id == offer_id)
    total = int(await session.scalar(counted) or 0)
    rows = await session.scalars(query.order_by(_ID).offset(offset).limit(limit))
    return rows.all(), total


async def same_entry(
    session: AsyncSession, offer_id: int, entry_key: int
) -> Sequence[CustomPayoutRevenue]:
    """The active settings of one offer entry (for the overlap check)."""
    rows = await session.scalars(
        select(CustomPayoutRevenue)
        .where(
            CustomPayoutRevenue.network_offer_id == offer_id,
            CustomPayoutRevenue.network_offer_payout_revenue_id == entry_key,
            CustomPayoutRevenue.custom_setting_status == "active",
        )
        .order_by(_ID)
    )
    return rows.all()


async def active_of_offers(
    session: AsyncSession, offer_ids: Collection[int]
) -> Sequence[CustomPayoutRevenue]:
    """The active settings of these offers, in one query."""
    if not offer_ids:
        return []
    rows = await session.scalars(
        select(CustomPayoutRevenue)
        .where(
            CustomPayoutRevenue.network_offer_id.in_(sorted(offer_ids)),
            CustomPayoutRevenue.custom_setting_status == "active",
        )
        .order_by(_ID)
    )
    return rows.all()


async def existing_affiliates(session: AsyncSession, affiliate_ids: Collection[int]) -> set[int]:
    if not affiliate_ids:
        return set()
    rows = await session.scalars(
        select(Affiliate.network_affiliate_id).where(
            Affiliate.network_affiliate_id.in_(sorted(affiliate_ids))
        )
    )
    return set(rows)


async def currencies(session: AsyncSession, offer_ids: Collection[int]) -> dict[int, str]:
    """Each offer's currency (settings are in their offer's currency)."""
    if not offer_ids:
        return {}
    rows = await session.execute(
        select(Offer.network_offer_id, Offer.currency_id).where(
            Offer.network_offer_id.in_(sorted(offer_ids))
        )
    )
    return {int(row[0]): str(row[1]) for row in rows}
