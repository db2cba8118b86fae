"""Every query on clicks (reports, lookups, retention). The hot path writes through
clicktrail/tracking/sinks.py instead, in batches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Affiliate, Click, Offer
from clicktrail.models.click import minted_days


async def get_click(session: AsyncSession, transaction_id: str) -> Click | None:
    """The click with this transaction id, or None (also for ids that are not 32 hex)."""
    if len(transaction_id) != 32:
        return None
    transaction_id = transaction_id.lower()
    window = minted_days([transaction_id])
    if window is not None and session.get_bind().dialect.name == "postgresql":
        # In the partition of the day the id was minted on (ADR 0106); else everywhere.
        found = await session.scalar(
            select(Click).where(
                Click.transaction_id == transaction_id,
                Click.created_at >= window[0],
                Click.created_at < window[1],
            )
        )
        if found is not None:
            return found
    return await session.get(Click, transaction_id)


def _condition(column: str, values: Sequence[Any]) -> ColumnElement[bool]:
    if column == "country":
        codes = [str(v).upper() for v in values if len(str(v)) == 2]
        return or_(Click.country_name.in_(values), Click.country_code.in_(codes))
    attribute = getattr(Click, column)
    return attribute.in_(values)  # type: ignore[no-any-return]


def _excluded(column: str, values: Sequence[Any]) -> ColumnElement[bool]:
    """Clicks that do NOT match ``values``, including those without a value at all: an
    excluded offer must not also drop the clicks whose offer is unknown (NULL)."""
    if column == "country":
        return not_(_condition(column, values))  # both columns are never NULL
    attribute = getattr(Click, column)
    return or_(attribute.is_(None), attribute.not_in(values))


async def stream(
    session: AsyncSession,
    *,
    start: datetime,
    end: datetime,
    affiliate_id: int | None,
    filters: Mapping[str, Sequence[Any]],
    exclusions: Mapping[str, Sequence[Any]],
    limit: int,
    offset: int = 0,
) -> Sequence[Click]:
    """Clicks in ``[start, end)``, newest first, at most ``limit`` after skipping ``offset``.

    ``filters``/``exclusions`` map a Click column (or "country") to values: values of one
    column are OR-ed, columns AND-ed; an exclusion drops clicks matching any of its values.
    """
    conditions: list[ColumnElement[bool]] = [Click.created_at >= start, Click.created_at < end]
    if affiliate_id is not None:
        conditions.append(Click.network_affiliate_id == affiliate_id)
    conditions.extend(_condition(column, values) for column, values in filters.items())
    conditions.extend(_excluded(column, values) for column, values in exclusions.items())
    query = (
        select(Click)
        .where(and_(*conditions))
        .order_by(Click.created_at.desc(), Click.transaction_id.desc())
        .offset(offset)
        .limit(limit)
    )
    return (await session.execute(query)).scalars().all()


async def offers_by_id(session: AsyncSession, offer_ids: Iterable[int]) -> dict[int, Offer]:
    ids = sorted(set(offer_ids))
    if not ids:
        return {}
    result = await session.execute(select(Offer).where(Offer.network_offer_id.in_(ids)))
    return {offer.network_offer_id: offer for offer in result.scalars()}


async def offer(session: AsyncSession, offer_id: int) -> Offer | None:
    return await session.get(Offer, offer_id)


async def affiliate(session: AsyncSession, affiliate_id: int) -> Affiliate | None:
    return await session.get(Affiliate, affiliate_id)


async def latest_visit(
    session: AsyncSession, visitor_hash: str, since: datetime
) -> datetime | None:
    result = await session.execute(
        select(func.max(Click.created_at)).where(
            Click.visitor_hash == visitor_hash, Click.created_at >= since
        )
    )
    value: datetime | None = result.scalar_one_or_none()
    return value


async def add(session: AsyncSession, row: Mapping[str, Any]) -> None:
    session.add(Click(**row))
    await session.flush()


async def purge_batch(session: AsyncSession, cutoff: datetime, limit: int) -> int:
    """Delete up to ``limit`` clicks older than ``cutoff`` that led to no conversion."""
    doomed = (
        select(Click.transaction_id)
        .where(Click.created_at < cutoff, Click.has_conversion.is_(False))
        .limit(limit)
        .scalar_subquery()
    )
    result = await session.execute(
        delete(Click)
        # The time bound again: on PostgreSQL it keeps the delete to the old partitions.
        .where(Click.transaction_id.in_(doomed), Click.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
