"""Queries on offers and their payout/revenue entries."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.search import name_or_id
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import (
    Advertiser,
    Affiliate,
    Offer,
    OfferApplication,
    OfferPayoutRevenue,
    OfferVisibility,
)
from clicktrail.models.offer_visibility import HIDDEN, PUBLIC, REQUIRE_APPROVAL, VISIBLE


async def add(session: AsyncSession, offer: Offer) -> Offer:
    session.add(offer)
    await session.flush()
    return offer


async def by_id(session: AsyncSession, offer_id: int) -> Offer | None:
    """The offer with its entries loaded."""
    if not 1 <= offer_id <= MAX_INT32:
        return None
    return await session.get(Offer, offer_id)


async def page(session: AsyncSession, offset: int, limit: int) -> Sequence[Offer]:
    result = await session.scalars(
        select(Offer).order_by(Offer.network_offer_id).offset(offset).limit(limit)
    )
    return result.all()


async def count(session: AsyncSession) -> int:
    return int(await session.scalar(select(func.count()).select_from(Offer)) or 0)


def _matching(
    text: str, status: str | None, advertiser_id: int | None, visibility: str | None
) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    term = name_or_id(Offer.network_offer_id, Offer.name, text)
    if term is not None:
        where.append(term)
    if status:
        where.append(Offer.offer_status == status)
    if advertiser_id:
        where.append(Offer.network_advertiser_id == advertiser_id)
    if visibility:
        where.append(Offer.visibility == visibility)
    return where


async def search(
    session: AsyncSession,
    *,
    text: str = "",
    status: str | None = None,
    advertiser_id: int | None = None,
    visibility: str | None = None,
    offset: int,
    limit: int,
) -> tuple[Sequence[Offer], int]:
    """One page of the offers matching every given filter, newest first, and their count."""
    where = _matching(text, status, advertiser_id, visibility)
    total = await session.scalar(select(func.count()).select_from(Offer).where(*where))
    rows = await session.scalars(
        select(Offer)
        .where(*where)
        .order_by(Offer.network_offer_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return rows.all(), int(total or 0)


async def advertisers_by_id(
    session: AsyncSession, advertiser_ids: Collection[int]
) -> dict[int, Advertiser]:
    if not advertiser_ids:
        return {}
    rows = await session.scalars(
        select(Advertiser).where(Advertiser.network_advertiser_id.in_(advertiser_ids))
    )
    return {a.network_advertiser_id: a for a in rows}


async def flush(session: AsyncSession) -> None:
    await session.flush()


async def entry_id_of_event(session: AsyncSession, offer_id: int, event_id: int) -> int | None:
    """The ``network_offer_payout_revenue_id`` of the offer's entry for ``event_id``."""
    entry = OfferPayoutRevenue
    found = await session.scalar(
        select(entry.network_offer_payout_revenue_id).where(
            entry.network_offer_id == offer_id, entry.event_id == event_id
        )
    )
    return int(found) if found is not None else None


async def choices(session: AsyncSession, limit: int) -> list[tuple[int, str]]:
    """(id, name) of the first ``limit`` offers by name, for a form's select list."""
    rows = await session.execute(
        select(Offer.network_offer_id, Offer.name)
        .where(Offer.offer_status != "deleted")
        .order_by(Offer.name, Offer.network_offer_id)
        .limit(limit)
    )
    return [(int(row[0]), str(row[1])) for row in rows]


def _access(query: Any, affiliate_id: int) -> Any:
    """``query`` joined to the affiliate's visibility row and application of each offer."""
    return query.outerjoin(
        OfferVisibility,
        and_(
            OfferVisibility.network_offer_id == Offer.network_offer_id,
            OfferVisibility.network_affiliate_id == affiliate_id,
        ),
    ).outerjoin(
        OfferApplication,
        and_(
            OfferApplication.network_offer_id == Offer.network_offer_id,
            OfferApplication.network_affiliate_id == affiliate_id,
        ),
    )


def _runnable_where() -> ColumnElement[bool]:
    """An active offer the joined affiliate may run (models/offer_visibility.may_run)."""
    kind = OfferVisibility.visibility_type
    return and_(
        Offer.offer_status == "active",
        or_(
            and_(Offer.visibility == PUBLIC, or_(kind.is_(None), kind == VISIBLE)),
            and_(Offer.visibility != PUBLIC, kind == VISIBLE),
        ),
    )


def _visible_where() -> ColumnElement[bool]:
    """An active offer the joined affiliate sees: one it may run, or one that requires
    approval and was not hidden from it (it may apply, or see its application's status)."""
    kind = OfferVisibility.visibility_type
    return or_(
        _runnable_where(),
        and_(
            Offer.offer_status == "active",
            Offer.visibility == REQUIRE_APPROVAL,
            or_(kind.is_(None), kind != HIDDEN),
        ),
    )


def _named(query: Select[Any], search: str) -> Select[Any]:
    if not search:
        return query
    term = search.strip()
    if term.isdigit() and len(term) <= 10:
        return query.where(
            or_(Offer.network_offer_id == int(term), Offer.name.icontains(term, autoescape=True))
        )
    return query.where(Offer.name.icontains(term, autoescape=True))


#: One row of an affiliate's offers: the offer, its visibility row's type, its application's
#: status (None where there is none).
AccessRow = tuple[Offer, str | None, str | None]


def _rows(result: Any) -> list[AccessRow]:
    return [(row[0], row[1], row[2]) for row in result]


async def access_page(
    session: AsyncSession,
    affiliate_id: int,
    search: str,
    offset: int,
    limit: int,
    *,
    runnable_only: bool,
) -> tuple[list[AccessRow], int]:
    """A page of the offers ``affiliate_id`` may run (or, unless ``runnable_only``, sees),
    by id, and how many there are."""
    where = _runnable_where() if runnable_only else _visible_where()
    columns = select(Offer, OfferVisibility.visibility_type, OfferApplication.application_status)
    query = _named(_access(columns.select_from(Offer), affiliate_id).where(where), search)
    result = await session.execute(
        query.order_by(Offer.network_offer_id).offset(offset).limit(limit)
    )
    counted = _named(
        _access(select(func.count()).select_from(Offer), affiliate_id).where(where), search
    )
    return _rows(result), int(await session.scalar(counted) or 0)


async def access_by_id(
    session: AsyncSession, affiliate_id: int, offer_id: int, *, runnable_only: bool
) -> AccessRow | None:
    """One offer ``affiliate_id`` may run (or sees), with its row and application."""
    if not 1 <= offer_id <= MAX_INT32:
        return None
    where = _runnable_where() if runnable_only else _visible_where()
    columns = select(Offer, OfferVisibility.visibility_type, OfferApplication.application_status)
    query = (
        _access(columns.select_from(Offer), affiliate_id)
        .where(where)
        .where(Offer.network_offer_id == offer_id)
    )
    rows = _rows(await session.execute(query))
    return rows[0] if rows else None


async def visibility_type(session: AsyncSession, offer_id: int, affiliate_id: int) -> str | None:
    """The affiliate's visibility row on the offer; None when it has none."""
    found = await session.scalar(
        select(OfferVisibility.visibility_type).where(
            OfferVisibility.network_offer_id == offer_id,
            OfferVisibility.network_affiliate_id == affiliate_id,
        )
    )
    return str(found) if found is not None else None


async def affiliate_status(session: AsyncSession, affiliate_id: int) -> str | None:
    """The affiliate's ``account_status``; None when it does not exist."""
    if not 1 <= affiliate_id <= MAX_INT32:
        return None
    found = await session.scalar(
        select(Affiliate.account_status).where(Affiliate.network_affiliate_id == affiliate_id)
    )
    return str(found) if found is not None else None


async def of_advertiser(session: AsyncSession, advertiser_id: int, limit: int) -> Sequence[Offer]:
    """The advertiser's offers by id (deleted ones left out), at most ``limit``."""
    result = await session.scalars(
        select(Offer)
        .where(Offer.network_advertiser_id == advertiser_id, Offer.offer_status != "deleted")
        .order_by(Offer.network_offer_id)
        .limit(limit)
    )
    return result.all()


async def existing_ids(session: AsyncSession, offer_ids: Collection[int]) -> set[int]:
    """Which of ``offer_ids`` name an offer (any status)."""
    if not offer_ids:
        return set()
    result = await session.execute(
        select(Offer.network_offer_id).where(Offer.network_offer_id.in_(list(offer_ids)))
    )
    return set(result.scalars())
