"""Every query of the postback domain: pixels, deliveries, attempts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    case,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import (
    Affiliate,
    Conversion,
    Offer,
    OfferPayoutRevenue,
    Pixel,
    PostbackAttempt,
    PostbackDelivery,
)

D = cast(Table, PostbackDelivery.__table__)
A = cast(Table, PostbackAttempt.__table__)


# --- pixels ---------------------------------------------------------------------------------


async def add_pixel(session: AsyncSession, pixel: Pixel) -> Pixel:
    session.add(pixel)
    await session.flush()
    return pixel


async def pixel_by_id(session: AsyncSession, pixel_id: int) -> Pixel | None:
    pixel = await session.get(Pixel, pixel_id)
    return None if pixel is None or pixel.is_deleted else pixel


async def list_pixels(session: AsyncSession, filters: Mapping[str, Any]) -> Sequence[Pixel]:
    query = select(Pixel).where(Pixel.is_deleted.is_(False))
    for name, value in filters.items():
        query = query.where(getattr(Pixel, name) == value)
    return (await session.scalars(query.order_by(Pixel.network_pixel_id))).all()


async def candidate_pixels(
    session: AsyncSession, affiliate_ids: Iterable[int], offer_ids: Iterable[int]
) -> Sequence[Pixel]:
    """Live (not deleted) pixels of any of these affiliates or offers, active or not: an
    inactive pixel's deliveries are written paused (``outbox.fires`` picks)."""
    affiliates, offers = sorted(set(affiliate_ids)), sorted(set(offer_ids))
    query = (
        select(Pixel)
        .where(Pixel.is_deleted.is_(False))
        .where(or_(Pixel.network_affiliate_id.in_(affiliates), Pixel.network_offer_id.in_(offers)))
        .order_by(Pixel.network_pixel_id)
    )
    return (await session.scalars(query)).all()


async def offer_by_id(session: AsyncSession, offer_id: int) -> Offer | None:
    return await session.get(Offer, offer_id)


async def affiliate_by_id(session: AsyncSession, affiliate_id: int) -> Affiliate | None:
    return await session.get(Affiliate, affiliate_id)


async def payout_revenue_by_id(session: AsyncSession, entry_id: int) -> OfferPayoutRevenue | None:
    return await session.get(OfferPayoutRevenue, entry_id)


async def offers_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Offer]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    rows = await session.scalars(select(Offer).where(Offer.network_offer_id.in_(wanted)))
    return {o.network_offer_id: o for o in rows}


async def affiliates_by_ids(session: AsyncSession, ids: Iterable[int]) -> dict[int, Affiliate]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    query = select(Affiliate).where(Affiliate.network_affiliate_id.in_(wanted))
    return {a.network_affiliate_id: a for a in await session.scalars(query)}


async def pixels_for_update(
    session: AsyncSession, ids: Iterable[int], *, lock: bool
) -> dict[int, Pixel]:
    """The pixels by id; with ``lock``, locked ``FOR UPDATE`` and read again even if the
    session already holds them."""
    query = select(Pixel).where(Pixel.network_pixel_id.in_(sorted(set(ids))))
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return {p.network_pixel_id: p for p in await session.scalars(query)}


# --- deliveries -----------------------------------------------------------------------------


async def delivered_pixel_ids(session: AsyncSession, conversion_id: str) -> set[int]:
    query = select(D.c.network_pixel_id).where(
        D.c.conversion_id == conversion_id, D.c.network_pixel_id.is_not(None)
    )
    return set((await session.scalars(query)).all())


async def add_deliveries(session: AsyncSession, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        await session.execute(insert(D), list(rows))


async def deliveries_of_conversion(
    session: AsyncSession, conversion_id: str
) -> Sequence[PostbackDelivery]:
    """The conversion's postback deliveries (its webhook deliveries are not among them)."""
    query = (
        select(PostbackDelivery)
        .where(
            PostbackDelivery.conversion_id == conversion_id,
            PostbackDelivery.kind == "postback",
        )
        .order_by(PostbackDelivery.id)
    )
    return (await session.scalars(query)).all()


async def move_pixel_deliveries(
    session: AsyncSession,
    pixel_id: int,
    *,
    from_states: Sequence[str],
    to_state: str,
    now: datetime,
    note: str | None = None,
) -> int:
    """Move every delivery of a pixel in ``from_states`` to ``to_state``; returns how many."""
    values: dict[str, Any] = {"state": to_state, "updated_at": now}
    if to_state == "pending":
        # Resumed: due now, with the full number of attempts again.
        values["next_attempt_at"] = now
        values["retry_base"] = D.c.attempts
    if note is not None:
        values["debug_information"] = note
    result = await session.execute(
        update(D)
        .where(D.c.network_pixel_id == pixel_id, D.c.state.in_(list(from_states)))
        .values(**values)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class Claimed:
    id: int
    #: None for a webhook delivery (``clicktrail/postback/webhook_send.py`` sends those).
    network_pixel_id: int | None
    payload: str
    attempts: int
    failed_attempts: int
    retry_base: int = 0


# --- seed 002 report ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportScope:
    """The rows a report asks for: a UTC window and OR-within / AND-across filters."""

    start: datetime
    end: datetime  # exclusive
    offer_ids: frozenset[int] = frozenset()
    affiliate_ids: frozenset[int] = frozenset()
    statuses: frozenset[str] = frozenset()  # success | failure
    #: ``query.exclusions``: rows matching any of these are dropped.
    excluded_offer_ids: frozenset[int] = frozenset()
    excluded_affiliate_ids: frozenset[int] = frozenset()
    excluded_statuses: frozenset[str] = frozenset()


async def report_page(
    session: AsyncSession,
    scope: ReportScope,
    *,
    limit: int,
    after: tuple[datetime, int] | None = None,
) -> list[Any]:
    """One page of deliveries in (created_at, id) order, after the keyset ``after``."""
    pixel = cast(Table, Pixel.__table__)
    query = _in_scope(
        select(
            D, pixel.c.pixel_status.label("pixel_status"), pixel.c.is_deleted.label("pixel_deleted")
        ).join(pixel, pixel.c.network_pixel_id == D.c.network_pixel_id),
        scope,
    )
    if after is not None:
        moment, last_id = after
        query = query.where(
            or_(D.c.created_at > moment, and_(D.c.created_at == moment, D.c.id > last_id))
        )
    query = query.order_by(D.c.created_at, D.c.id).limit(limit)
    return list((await session.execute(query)).all())


def _status_is(status: str) -> ColumnElement[bool]:
    """``success``: delivered; ``failure``: not delivered and at least one attempt failed."""
    if status == "success":
        return D.c.state == "succeeded"
    return and_(D.c.state != "succeeded", D.c.failed_attempts > 0)


def _in_scope(query: Select[Any], scope: ReportScope) -> Select[Any]:
    """The report's window, filters and exclusions on a query over deliveries."""
    query = query.where(D.c.created_at >= scope.start, D.c.created_at < scope.end)
    if scope.offer_ids:
        query = query.where(D.c.network_offer_id.in_(sorted(scope.offer_ids)))
    if scope.affiliate_ids:
        query = query.where(D.c.network_affiliate_id.in_(sorted(scope.affiliate_ids)))
    if scope.statuses:
        query = query.where(or_(*(_status_is(s) for s in sorted(scope.statuses))))
    if scope.excluded_offer_ids:
        query = query.where(D.c.network_offer_id.not_in(sorted(scope.excluded_offer_ids)))
    if scope.excluded_affiliate_ids:
        query = query.where(D.c.network_affiliate_id.not_in(sorted(scope.excluded_affiliate_ids)))
    for status in sorted(scope.excluded_statuses):
        query = query.where(not_(_status_is(status)))
    return query


# --- resending failed deliveries ------------------------------------------------------------


async def delivery_of(
    session: AsyncSession, pixel_id: int, conversion_id: str
) -> PostbackDelivery | None:
    query = select(PostbackDelivery).where(
        PostbackDelivery.network_pixel_id == pixel_id,
        PostbackDelivery.conversion_id == conversion_id,
    )
    return (await session.scalars(query)).first()


async def resend_failed(
    session: AsyncSession,
    scope: ReportScope,
    *,
    owner_affiliate_id: int | None,
    pixel_active: bool,
    now: datetime,
) -> list[int]:
    """Queue again every failed delivery in ``scope`` of a live pixel that is active (due
    now) or inactive (paused until it is active); returns the pixel ids of those queued."""
    pixel = cast(Table, Pixel.__table__)
    ids = _in_scope(
        select(D.c.id).join(pixel, pixel.c.network_pixel_id == D.c.network_pixel_id),
        scope,
    ).where(
        D.c.state == "failed",
        D.c.conversion_status == "approved",
        pixel.c.is_deleted.is_(False),
        (pixel.c.pixel_status == "active") if pixel_active else (pixel.c.pixel_status != "active"),
    )
    if owner_affiliate_id is not None:
        ids = ids.where(pixel.c.network_affiliate_id == owner_affiliate_id)
    result = await session.execute(
        update(D)
        .where(D.c.id.in_(ids.scalar_subquery()))
        .values(
            state="pending" if pixel_active else "paused",
            next_attempt_at=now,
            retry_base=D.c.attempts,
            updated_at=now,
        )
        .returning(D.c.network_pixel_id)
    )
    return list(result.scalars())


async def unsent_deliveries(session: AsyncSession, pixel_id: int) -> Sequence[PostbackDelivery]:
    query = select(PostbackDelivery).where(
        PostbackDelivery.network_pixel_id == pixel_id,
        PostbackDelivery.state.in_(["pending", "paused"]),
    )
    return (await session.scalars(query)).all()


async def conversions_by_ids(session: AsyncSession, ids: Iterable[str]) -> dict[str, Conversion]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(Conversion).where(Conversion.conversion_id.in_(wanted))
    return {c.conversion_id: c for c in await session.scalars(query)}


# --- one pixel's delivery log ---------------------------------------------------------------


async def pixel_deliveries(
    session: AsyncSession, pixel_id: int, *, offset: int, limit: int
) -> Sequence[PostbackDelivery]:
    """A page of one pixel's deliveries, newest first."""
    query = (
        select(PostbackDelivery)
        .where(PostbackDelivery.network_pixel_id == pixel_id)
        .order_by(PostbackDelivery.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return (await session.scalars(query)).all()


async def count_pixel_deliveries(session: AsyncSession, pixel_id: int) -> int:
    query = select(func.count()).select_from(D).where(D.c.network_pixel_id == pixel_id)
    return int(await session.scalar(query) or 0)


async def attempts_of(
    session: AsyncSession, delivery_ids: Iterable[int]
) -> dict[int, list[PostbackAttempt]]:
    """The attempts of these deliveries, each delivery's in order."""
    wanted = sorted(set(delivery_ids))
    out: dict[int, list[PostbackAttempt]] = {i: [] for i in wanted}
    if not wanted:
        return out
    query = (
        select(PostbackAttempt)
        .where(PostbackAttempt.delivery_id.in_(wanted))
        .order_by(PostbackAttempt.delivery_id, PostbackAttempt.attempt_no)
    )
    for attempt in await session.scalars(query):
        out[attempt.delivery_id].append(attempt)
    return out


# --- the console's delivery log -------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeliveryLogScope:
    """The console's delivery list: a UTC window, a status and optional owners."""

    start: datetime
    end: datetime  # exclusive
    status: str = ""  # "" (all), "failure", or one delivery state
    affiliate_id: int | None = None
    offer_id: int | None = None


def _failure_rank() -> ColumnElement[int]:
    """0: gave up; 1: not delivered yet and at least one attempt failed; 2: the rest."""
    return case(
        (D.c.state == "failed", 0),
        (and_(D.c.state != "succeeded", D.c.failed_attempts > 0), 1),
        else_=2,
    )


def _in_log_scope(query: Select[Any], scope: DeliveryLogScope) -> Select[Any]:
    query = query.where(D.c.created_at >= scope.start, D.c.created_at < scope.end)
    if scope.status == "failure":
        query = query.where(_status_is("failure"))
    elif scope.status:
        query = query.where(D.c.state == scope.status)
    if scope.affiliate_id is not None:
        query = query.where(D.c.network_affiliate_id == scope.affiliate_id)
    if scope.offer_id is not None:
        query = query.where(D.c.network_offer_id == scope.offer_id)
    return query


async def delivery_log_page(
    session: AsyncSession, scope: DeliveryLogScope, *, offset: int, limit: int
) -> Sequence[PostbackDelivery]:
    """Failures first (gave up, then retrying), newest first within each group."""
    query = _in_log_scope(select(PostbackDelivery), scope).order_by(
        _failure_rank(), D.c.created_at.desc(), D.c.id.desc()
    )
    return (await session.scalars(query.offset(offset).limit(limit))).all()


async def delivery_log_counts(session: AsyncSession, scope: DeliveryLogScope) -> dict[str, int]:
    """How many deliveries of the scope (its status aside) are in each state, plus
    ``failure`` (not delivered and at least one attempt failed)."""
    unfiltered = DeliveryLogScope(scope.start, scope.end, "", scope.affiliate_id, scope.offer_id)
    query = _in_log_scope(
        select(
            D.c.state,
            func.count(),
            func.sum(case((_status_is("failure"), 1), else_=0)),
        ),
        unfiltered,
    ).group_by(D.c.state)
    counts: dict[str, int] = {"failure": 0}
    for state, total, failing in (await session.execute(query)).all():
        counts[str(state)] = int(total)
        counts["failure"] += int(failing or 0)
    return counts


async def delivery_by_id(session: AsyncSession, delivery_id: int) -> PostbackDelivery | None:
    return await session.get(PostbackDelivery, delivery_id)


async def delivery_attempts(
    session: AsyncSession, delivery_id: int, *, limit: int
) -> Sequence[PostbackAttempt]:
    """A delivery's attempts, the latest ``limit`` of them, in attempt order."""
    query = (
        select(PostbackAttempt)
        .where(PostbackAttempt.delivery_id == delivery_id)
        .order_by(PostbackAttempt.attempt_no.desc(), PostbackAttempt.id.desc())
        .limit(limit)
    )
    return list(reversed((await session.scalars(query)).all()))
