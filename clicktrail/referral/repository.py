"""Every query of the referral domain: referrals, affiliate codes and groups, incentives,
exchange rates, commissions and refunds."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit.rowinsert import RowInserter
from clicktrail.models import (
    Affiliate,
    AffiliateCode,
    AffiliateGroup,
    Click,
    Commission,
    CommissionRefund,
    Conversion,
    ExchangeRate,
    Incentive,
    Network,
    Offer,
    Referral,
)

T = TypeVar("T")


async def add(session: AsyncSession, row: T) -> T:
    session.add(row)
    await session.flush()
    return row


async def delete(session: AsyncSession, row: object) -> None:
    await session.delete(row)
    await session.flush()


# --- network, offers, affiliates, clicks -------------------------------------------------


async def network_currency(session: AsyncSession) -> str:
    value = await session.scalar(select(Network.currency_id).where(Network.network_id == 1))
    return value or "USD"


async def offer(session: AsyncSession, offer_id: int) -> Offer | None:
    return await session.get(Offer, offer_id)


async def affiliate(session: AsyncSession, affiliate_id: int) -> Affiliate | None:
    return await session.get(Affiliate, affiliate_id)


async def click(session: AsyncSession, transaction_id: str) -> Click | None:
    return await session.get(Click, transaction_id)


async def mark_click_converted(session: AsyncSession, transaction_id: str) -> None:
    """Keep the click forever (retention spares clicks that led to a conversion)."""
    await session.execute(
        update(Click)
        .where(Click.transaction_id == transaction_id, Click.has_conversion.is_(False))
        .values(has_conversion=True)
    )


async def mark_clicks_converted(session: AsyncSession, transaction_ids: set[str]) -> None:
    """``mark_click_converted`` for a batch of clicks, in one statement."""
    if transaction_ids:
        await session.execute(
            update(Click)
            .where(Click.transaction_id.in_(sorted(transaction_ids)))
            .where(Click.has_conversion.is_(False))
            .values(has_conversion=True)
        )


# --- affiliate codes and groups ----------------------------------------------------------


async def code_for_affiliate(session: AsyncSession, affiliate_id: int) -> AffiliateCode | None:
    return await session.get(AffiliateCode, affiliate_id)


async def code_by_tracking_id(session: AsyncSession, tracking_id: str) -> AffiliateCode | None:
    return await session.scalar(
        select(AffiliateCode).where(AffiliateCode.tracking_id == tracking_id)
    )


async def codes(session: AsyncSession) -> Sequence[AffiliateCode]:
    rows = await session.scalars(select(AffiliateCode).order_by(AffiliateCode.network_affiliate_id))
    return rows.all()


async def group(session: AsyncSession, group_id: int) -> AffiliateGroup | None:
    return await session.get(AffiliateGroup, group_id)


async def groups(session: AsyncSession) -> Sequence[AffiliateGroup]:
    rows = await session.scalars(select(AffiliateGroup).order_by(AffiliateGroup.affiliate_group_id))
    return rows.all()


async def default_group_id(session: AsyncSession) -> int | None:
    return await session.scalar(
        select(AffiliateGroup.affiliate_group_id)
        .where(AffiliateGroup.is_default.is_(True))
        .order_by(AffiliateGroup.affiliate_group_id)
        .limit(1)
    )


async def clear_default_group(session: AsyncSession, except_id: int) -> None:
    await session.execute(
        update(AffiliateGroup)
        .where(AffiliateGroup.affiliate_group_id != except_id)
        .values(is_default=False)
    )


async def group_member_counts(session: AsyncSession) -> dict[int, int]:
    rows = await session.execute(
        select(AffiliateCode.affiliate_group_id, func.count())
        .where(AffiliateCode.affiliate_group_id.is_not(None))
        .group_by(AffiliateCode.affiliate_group_id)
    )
    return {int(gid): int(n) for gid, n in rows.all() if gid is not None}


# --- referrals ---------------------------------------------------------------------------


async def referral(
    session: AsyncSession, referral_id: str, *, lock: bool = False
) -> Referral | None:
    stmt = select(Referral).where(Referral.id == referral_id)
    if lock:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def referral_by(
    session: AsyncSession, column: str, value: str, *, lock: bool = False
) -> Referral | None:
    """The referral whose ``customer_id`` or ``external_user_id`` is ``value``."""
    stmt = select(Referral).where(getattr(Referral, column) == value)
    if lock:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def referrals_for_update(
    session: AsyncSession, ids: set[str], customer_ids: set[str], external_user_ids: set[str]
) -> Sequence[Referral]:
    """The referrals with any of these ids, customer_ids or external_user_ids, locked in id
    order (a batch of conversions takes them all at once; the same order everywhere means
    two batches cannot deadlock)."""
    terms = [
        getattr(Referral, column).in_(sorted(values))
        for column, values in (
            ("id", ids),
            ("customer_id", customer_ids),
            ("external_user_id", external_user_ids),
        )
        if values
    ]
    if not terms:
        return []
    stmt = select(Referral).where(or_(*terms)).order_by(Referral.id).with_for_update()
    return (await session.scalars(stmt)).all()


async def list_referrals(
    session: AsyncSession,
    *,
    limit: int,
    descending: bool,
    after: Referral | None,
    before: Referral | None,
    filters: dict[str, Any],
    created_gte: datetime | None,
    created_lte: datetime | None,
) -> tuple[list[Referral], bool]:
    """One page of referrals ordered by (created_at, id), newest first when ``descending``,
    and whether more rows lie beyond it in the direction walked.

    ``after``/``before`` are cursors: the page starts after (or ends before) that referral in
    the listing order.
    """
    stmt = select(Referral)
    for column, value in filters.items():
        stmt = stmt.where(getattr(Referral, column) == value)
    if created_gte is not None:
        stmt = stmt.where(Referral.created_at >= created_gte)
    if created_lte is not None:
        stmt = stmt.where(Referral.created_at <= created_lte)

    def beyond(cursor: Referral, forward: bool) -> Any:
        # forward = further along the listing order; newer = a larger (created_at, id).
        newer = forward != descending
        if newer:
            return or_(
                Referral.created_at > cursor.created_at,
                and_(Referral.created_at == cursor.created_at, Referral.id > cursor.id),
            )
        return or_(
            Referral.created_at < cursor.created_at,
            and_(Referral.created_at == cursor.created_at, Referral.id < cursor.id),
        )

    reverse = before is not None and after is None
    if after is not None:
        stmt = stmt.where(beyond(after, True))
    if before is not None:
        stmt = stmt.where(beyond(before, False))
    newest_first = descending != reverse
    if newest_first:
        stmt = stmt.order_by(Referral.created_at.desc(), Referral.id.desc())
    else:
        stmt = stmt.order_by(Referral.created_at.asc(), Referral.id.asc())
    rows = list((await session.scalars(stmt.limit(limit + 1))).all())
    has_more = len(rows) > limit
    rows = rows[:limit]
    if reverse:
        # Walked backwards from the cursor: put the page back in listing order.
        rows.reverse()
    return rows, has_more


# --- incentives --------------------------------------------------------------------------


async def incentive(session: AsyncSession, incentive_id: int) -> Incentive | None:
    return await session.get(Incentive, incentive_id)


async def incentives(session: AsyncSession, offer_id: int | None = None) -> Sequence[Incentive]:
    stmt = select(Incentive).order_by(Incentive.incentive_id)
    if offer_id is not None:
        stmt = stmt.where(Incentive.network_offer_id == offer_id)
    return (await session.scalars(stmt)).all()


async def active_incentives(session: AsyncSession, offer_id: int) -> Sequence[Incentive]:
    rows = await session.scalars(
        select(Incentive)
        .where(Incentive.network_offer_id == offer_id, Incentive.is_active.is_(True))
        .order_by(Incentive.incentive_id)
    )
    return rows.all()


# --- exchange rates ----------------------------------------------------------------------


async def rate_on(
    session: AsyncSession, currency: str, quote: str, day: date
) -> ExchangeRate | None:
    """The rate in force on ``day``: the latest one effective on or before it."""
    return await session.scalar(
        select(ExchangeRate)
        .where(
            ExchangeRate.currency_id == currency,
            ExchangeRate.quote_currency_id == quote,
            ExchangeRate.effective_date <= day,
        )
        .order_by(ExchangeRate.effective_date.desc())
        .limit(1)
    )


async def rate_exact(
    session: AsyncSession, currency: str, quote: str, day: date
) -> ExchangeRate | None:
    return await session.scalar(
        select(ExchangeRate).where(
            ExchangeRate.currency_id == currency,
            ExchangeRate.quote_currency_id == quote,
            ExchangeRate.effective_date == day,
        )
    )


async def rates(
    session: AsyncSession, currency: str | None = None, limit: int = 1000
) -> Sequence[ExchangeRate]:
    stmt = select(ExchangeRate).order_by(
        ExchangeRate.currency_id, ExchangeRate.quote_currency_id, ExchangeRate.effective_date
    )
    if currency is not None:
        stmt = stmt.where(ExchangeRate.currency_id == currency)
    return (await session.scalars(stmt.limit(limit))).all()


# --- commissions and refunds -------------------------------------------------------------


async def commission(
    session: AsyncSession, conversion_id: str, *, lock: bool = False
) -> Commission | None:
    stmt = select(Commission).where(Commission.conversion_id == conversion_id)
    if lock:
        stmt = stmt.with_for_update()
    return await session.scalar(stmt)


async def commission_by_event(session: AsyncSession, external_event_id: str) -> Commission | None:
    return await session.scalar(
        select(Commission).where(Commission.external_event_id == external_event_id)
    )


async def referral_commission_stats(session: AsyncSession, referral_id: str) -> tuple[int, Decimal]:
    """(how many sales the referral has, commission earned from it so far)."""
    row = (
        await session.execute(
            select(func.count(), func.coalesce(func.sum(Commission.commission_amount), 0)).where(
                Commission.referral_id == referral_id
            )
        )
    ).one()
    return int(row[0]), Decimal(row[1])


async def commissions_by_events(
    session: AsyncSession, external_event_ids: set[str]
) -> dict[str, Commission]:
    if not external_event_ids:
        return {}
    rows = await session.scalars(
        select(Commission).where(Commission.external_event_id.in_(sorted(external_event_ids)))
    )
    return {row.external_event_id: row for row in rows if row.external_event_id is not None}


async def commissions_by_conversions(
    session: AsyncSession, conversion_ids: set[str]
) -> dict[str, Commission]:
    if not conversion_ids:
        return {}
    rows = await session.scalars(
        select(Commission).where(Commission.conversion_id.in_(sorted(conversion_ids)))
    )
    return {row.conversion_id: row for row in rows}


async def commission_stats(
    session: AsyncSession, referral_ids: set[str]
) -> dict[str, tuple[int, Decimal]]:
    """``referral_commission_stats`` of many referrals in one query (absent: no sales)."""
    if not referral_ids:
        return {}
    rows = await session.execute(
        select(
            Commission.referral_id,
            func.count(),
            func.coalesce(func.sum(Commission.commission_amount), 0),
        )
        .where(Commission.referral_id.in_(sorted(referral_ids)))
        .group_by(Commission.referral_id)
    )
    return {rid: (int(n), Decimal(total)) for rid, n, total in rows.all()}


_COMMISSION_INSERT = RowInserter(cast(Table, Commission.__table__))


async def insert_commissions(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Insert complete commission rows (column name -> value) with one executemany."""
    await _COMMISSION_INSERT.insert(session, rows)


async def refund_by_event(session: AsyncSession, external_event_id: str) -> CommissionRefund | None:
    return await session.scalar(
        select(CommissionRefund).where(CommissionRefund.external_event_id == external_event_id)
    )


async def conversion(session: AsyncSession, conversion_id: str) -> Conversion | None:
    return await session.get(Conversion, conversion_id)


async def due_holds(session: AsyncSession, now: datetime, limit: int) -> Sequence[Commission]:
    """Pending commissions whose hold period is over, locked (skipping rows others hold)."""
    stmt = (
        select(Commission)
        .where(Commission.status == "pending", Commission.hold_until <= now)
        .order_by(Commission.hold_until)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(stmt)).all()
