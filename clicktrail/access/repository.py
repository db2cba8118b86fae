"""Queries on offer visibility rows and offer applications."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Affiliate, Offer, OfferApplication, OfferVisibility


async def visibility_rows(session: AsyncSession, offer_id: int) -> Sequence[OfferVisibility]:
    result = await session.scalars(
        select(OfferVisibility)
        .where(OfferVisibility.network_offer_id == offer_id)
        .order_by(OfferVisibility.network_affiliate_id)
    )
    return result.all()


async def visibility_row(
    session: AsyncSession, offer_id: int, affiliate_id: int
) -> OfferVisibility | None:
    return await session.get(OfferVisibility, (offer_id, affiliate_id))


async def existing_affiliate_ids(session: AsyncSession, ids: Collection[int]) -> set[int]:
    result = await session.scalars(
        select(Affiliate.network_affiliate_id).where(Affiliate.network_affiliate_id.in_(ids))
    )
    return set(result.all())


async def offers_by_id(session: AsyncSession, ids: Collection[int]) -> dict[int, Offer]:
    result = await session.scalars(select(Offer).where(Offer.network_offer_id.in_(ids)))
    return {offer.network_offer_id: offer for offer in result.all()}


async def affiliate(session: AsyncSession, affiliate_id: int) -> Affiliate | None:
    if not 1 <= affiliate_id <= MAX_INT32:
        return None
    return await session.get(Affiliate, affiliate_id)


async def application_for(
    session: AsyncSession, offer_id: int, affiliate_id: int
) -> OfferApplication | None:
    result = await session.scalars(
        select(OfferApplication).where(
            OfferApplication.network_offer_id == offer_id,
            OfferApplication.network_affiliate_id == affiliate_id,
        )
    )
    return result.first()


async def applications_by_id(
    session: AsyncSession, ids: Collection[int]
) -> dict[int, OfferApplication]:
    result = await session.scalars(
        select(OfferApplication).where(OfferApplication.network_application_id.in_(ids))
    )
    return {row.network_application_id: row for row in result.all()}


async def applications_of(
    session: AsyncSession, offer_id: int | None, affiliate_ids: Collection[int]
) -> Sequence[OfferApplication]:
    """The applications of ``affiliate_ids`` on ``offer_id`` (all offers when None)."""
    query = select(OfferApplication).where(OfferApplication.network_affiliate_id.in_(affiliate_ids))
    if offer_id is not None:
        query = query.where(OfferApplication.network_offer_id == offer_id)
    return (await session.scalars(query)).all()


ApplicationRow = tuple[OfferApplication, Offer, Affiliate]


def _filtered(
    query: Any,
    *,
    affiliate_ids: Collection[int],
    advertiser_ids: Collection[int],
    offer_group_ids: Collection[int],
    offer_ids: Collection[int],
    status: str | None,
    search: str,
) -> Any:
    query = query.join(Offer, Offer.network_offer_id == OfferApplication.network_offer_id).join(
        Affiliate, Affiliate.network_affiliate_id == OfferApplication.network_affiliate_id
    )
    if affiliate_ids:
        query = query.where(OfferApplication.network_affiliate_id.in_(affiliate_ids))
    if advertiser_ids:
        query = query.where(Offer.network_advertiser_id.in_(advertiser_ids))
    if offer_group_ids:
        query = query.where(Offer.network_offer_group_id.in_(offer_group_ids))
    if offer_ids:
        query = query.where(OfferApplication.network_offer_id.in_(offer_ids))
    if status:
        query = query.where(OfferApplication.application_status == status)
    term = search.strip()
    if term:
        named = Offer.name.icontains(term, autoescape=True)
        if term.isdigit() and len(term) <= 10:
            named = or_(named, Offer.network_offer_id == int(term))
        query = query.where(named)
    return query


async def application_page(
    session: AsyncSession, offset: int, limit: int, **filters: Any
) -> tuple[list[ApplicationRow], int]:
    """A page of applications, newest first, with their offers and affiliates."""
    rows = await session.execute(
        _filtered(select(OfferApplication, Offer, Affiliate), **filters)
        .order_by(OfferApplication.network_application_id.desc())
        .offset(offset)
        .limit(limit)
    )
    total = await session.scalar(
        _filtered(select(func.count()).select_from(OfferApplication), **filters)
    )
    return [(row[0], row[1], row[2]) for row in rows], int(total or 0)
