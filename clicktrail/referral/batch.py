"""Referral conversions in batches: many Affonso ``POST /v1/conversions`` in one transaction.

The conversion writer (clicktrail/conversion/writer.py) takes whatever referral
conversions are waiting and hands them here as one batch (a job kind, ADR 0107); each
request is answered after the batch's COMMIT. Per batch, not per conversion: one locking
query for every referral the batch names, one for the replays, one for the referrals'
earlier commissions, one incentive and group lookup per offer and affiliate, one
``record_many`` (conversion rows, their rollup deltas summed per key, outbox), one
commission insert and one click update. The rules are the single request's, applied in
submission order, so a later sale in the batch sees the earlier ones (the referral's first
sale, the commission cap, a repeated ``external_event_id``).

A request that breaks a rule (bad currency, no such referral, a replay with other money)
is answered its own error and writes nothing; everything it would write is decided before
the batch writes anything. A statement that fails fails the batch, which the writer then
retries one request per transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import service as conversions
from clicktrail.conversion.draft import ConversionDraft, RequestedStatus
from clicktrail.errors import ClicktrailError, Conflict, NotFound, ValidationFailed
from clicktrail.kit.money import ZERO
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Commission, Incentive, Referral
from clicktrail.referral import exchange, repository
from clicktrail.referral.affonso_schemas import ConversionIn
from clicktrail.referral.commission import (
    IDENTIFIERS,
    advance_referral,
    check,
    check_replay,
    commission_amount,
    commission_status,
    idempotency_key,
)
from clicktrail.referral.incentive import Sale, best_match
from clicktrail.referral.partners import affiliate_group_id
from clicktrail.referral.schemas import CONVERSION_STATUS, Outcome
from clicktrail.referral.service import LINK_FIELDS, referral_of_click, usable_click

_COLUMNS = tuple((a.key, a.columns[0].key) for a in inspect(Commission).column_attrs)


@dataclass(slots=True)
class _Plan:
    """A new sale, decided; written with the batch."""

    body: ConversionIn
    referral: Referral
    links: list[tuple[str, str]]
    incentive: Incentive | None
    converted: exchange.Converted
    amount: Decimal
    status: str
    hold_until: datetime | None
    created_at: datetime
    outcome: Outcome | ClicktrailError | None = None


@dataclass(slots=True)
class _Twin:
    """A request repeating an earlier one of the same batch (same external_event_id)."""

    plan: _Plan


@dataclass(slots=True)
class _Context:
    currency: str
    by_id: dict[str, Referral]
    by_link: dict[tuple[str, str], Referral]
    stats: dict[str, tuple[int, Decimal]]
    stored: dict[str, Commission]
    planned: dict[str, _Plan] = field(default_factory=dict)
    #: (referral id, column) of the links the batch's decided sales make.
    linked: set[tuple[str, str]] = field(default_factory=set)
    created: list[Referral] = field(default_factory=list)
    clicks: set[str] = field(default_factory=set)
    groups: dict[int, int | None] = field(default_factory=dict)
    incentives: dict[int, Sequence[Incentive]] = field(default_factory=dict)


async def _context(session: AsyncSession, bodies: Sequence[ConversionIn]) -> _Context:
    ids = {v for b in bodies for f in ("referral_id", "click_id") if (v := getattr(b, f))}
    links = {f: {v for b in bodies if (v := getattr(b, f))} for f in LINK_FIELDS}
    found = await repository.referrals_for_update(
        session, ids, links["customer_id"], links["external_user_id"]
    )
    by_link = {
        (f, value): r for r in found for f in LINK_FIELDS if (value := getattr(r, f)) is not None
    }
    events = {b.external_event_id for b in bodies if b.external_event_id}
    return _Context(
        currency=await repository.network_currency(session),
        by_id={r.id: r for r in found},
        by_link=by_link,
        stats=await repository.commission_stats(session, {r.id for r in found}),
        stored=await repository.commissions_by_events(session, events),
    )


async def _resolve(
    session: AsyncSession, ctx: _Context, body: ConversionIn
) -> tuple[Referral, bool]:
    """The referral to credit (the first given identifier that names one) and whether it
    is made now from a click."""
    given = [(f, getattr(body, f)) for f in IDENTIFIERS if getattr(body, f)]
    if not given:
        raise ValidationFailed(
            "one of referral_id, customer_id, external_user_id or click_id is required",
            field="referral_id",
        )
    for name, value in given:
        if name in LINK_FIELDS:
            if (found := ctx.by_link.get((name, value))) is not None:
                return found, False
            continue
        if (found := ctx.by_id.get(value)) is not None:
            return found, False
        try:
            click = await usable_click(session, value, name)
        except NotFound:
            continue
        return referral_of_click(click, utcnow()), True
    name, value = given[0]
    raise NotFound(f"no referral matches {name} {value!r}", field=name)


def _links(ctx: _Context, referral: Referral, body: ConversionIn) -> list[tuple[str, str]]:
    """The customer_id / external_user_id sent with the sale that the referral takes: it
    has none yet and no other referral holds them."""
    return [
        (f, value)
        for f in LINK_FIELDS
        if (value := getattr(body, f))
        and getattr(referral, f) is None
        and (referral.id, f) not in ctx.linked
        and (f, value) not in ctx.by_link
    ]


async def _plan(
    session: AsyncSession, ctx: _Context, body: ConversionIn
) -> _Plan | _Twin | Outcome:
    check(body)
    event = body.external_event_id
    if event is not None:
        if (twin := ctx.planned.get(event)) is not None:
            check_replay(body, twin.body.sale_amount, _original_currency(twin))
            return _Twin(twin)
        if (stored := ctx.stored.get(event)) is not None:
            check_replay(body, stored.original_sale_amount, stored.original_currency_id)
            return Outcome(stored, replayed=True)
    created_at = body.created_at or utcnow()
    converted = await exchange.convert(
        session,
        body.sale_amount,
        body.sale_amount_currency or ctx.currency,
        ctx.currency,
        created_at.date(),
        "sale_amount_currency",
    )
    referral, made = await _resolve(session, ctx, body)
    links = _links(ctx, referral, body)
    sales, earned = ctx.stats.get(referral.id, (0, ZERO))
    affiliate = referral.network_affiliate_id
    if affiliate not in ctx.groups:
        ctx.groups[affiliate] = await affiliate_group_id(session, affiliate)
    offer = referral.network_offer_id
    if offer not in ctx.incentives:
        ctx.incentives[offer] = await repository.active_incentives(session, offer)
    sale = Sale(
        group_id=ctx.groups[affiliate],
        product_ids=frozenset(body.product_ids or ()),
        price_ids=frozenset(body.price_ids or ()),
        first_sale=sales == 0,
        is_subscription=body.is_subscription,
        interval=body.interval,
    )
    incentive = best_match(ctx.incentives[offer], sale)
    amount = await commission_amount(
        session, incentive, converted.amount, ctx.currency, earned, created_at
    )
    status, hold_until = commission_status(body, incentive, created_at)
    # Decided: from here on the batch's later requests see this sale.
    if made:
        ctx.by_id[referral.id] = referral
        ctx.created.append(referral)
        if referral.transaction_id:
            ctx.clicks.add(referral.transaction_id)
    for link in links:
        ctx.by_link[link] = referral
        ctx.linked.add((referral.id, link[0]))
    ctx.stats[referral.id] = (sales + 1, earned + amount)
    plan = _Plan(
        body, referral, links, incentive, converted, amount, status, hold_until, created_at
    )
    if event is not None:
        ctx.planned[event] = plan
    return plan


def _original_currency(plan: _Plan) -> str:
    return (plan.body.sale_amount_currency or plan.converted.currency).upper()


def _draft(plan: _Plan) -> ConversionDraft:
    body, referral, converted = plan.body, plan.referral, plan.converted
    event = body.external_event_id
    attributes: dict[str, Any] = {"referral_id": referral.id}
    if referral.transaction_id:
        attributes["click_id"] = referral.transaction_id
    if converted.currency != _original_currency(plan):
        attributes["original_sale_amount"] = str(body.sale_amount)
        attributes["original_currency"] = (body.sale_amount_currency or "").upper()
    requested: RequestedStatus = CONVERSION_STATUS[plan.status]  # type: ignore[assignment]
    return ConversionDraft(
        source="referral",
        offer_id=referral.network_offer_id,
        affiliate_id=referral.network_affiliate_id,
        sale_amount=converted.amount,
        payout=plan.amount,
        status=requested,
        original_status=plan.status,
        created_at=plan.created_at,
        idempotency_key=idempotency_key(event) if event else None,
        order_id=event or "",
        email=referral.email or "",
        attributes=attributes,
    )


def _commission(plan: _Plan, conversion_id: str, refused: bool, now: datetime) -> Commission:
    body, referral, converted, incentive = plan.body, plan.referral, plan.converted, plan.incentive
    status, hold_until = plan.status, plan.hold_until
    if refused:
        status, hold_until = "declined", None  # refused by an offer rule (e.g. inactive)
    return Commission(
        conversion_id=conversion_id,
        referral_id=referral.id,
        network_offer_id=referral.network_offer_id,
        network_affiliate_id=referral.network_affiliate_id,
        external_event_id=body.external_event_id,
        incentive_id=incentive.incentive_id if incentive is not None else None,
        original_sale_amount=body.sale_amount,
        original_currency_id=_original_currency(plan),
        exchange_rate=converted.rate,
        exchange_rate_date=converted.rate_date,
        sale_amount=converted.amount,
        currency_id=converted.currency,
        initial_commission_amount=plan.amount,
        commission_amount=plan.amount,
        refunded_sale_amount=ZERO,
        status=status,
        sales_status=body.sales_status or "complete",
        hold_period_days=incentive.hold_period_days if incentive is not None else None,
        hold_until=hold_until,
        is_subscription=body.is_subscription,
        interval=body.interval,
        product_ids=body.product_ids,
        price_ids=body.price_ids,
        attributes=body.metadata,
        created_at=plan.created_at,
        updated_at=now,
    )


async def _write(session: AsyncSession, ctx: _Context, plans: list[_Plan]) -> None:
    """Store the decided sales: new referrals, conversions (with their rollups and
    postbacks), commissions, and the referrals' and clicks' new state."""
    if ctx.created:
        session.add_all(ctx.created)
        await session.flush()
    recorded = await conversions.record_many(session, [_draft(p) for p in plans], bulk=True)
    replayed = {r.conversion.conversion_id for r in recorded if r.replayed}
    earlier = await repository.commissions_by_conversions(session, replayed)
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for plan, one in zip(plans, recorded, strict=True):
        conversion = one.conversion
        if one.replayed:
            existing = earlier.get(conversion.conversion_id)
            plan.outcome = (
                Outcome(existing, replayed=True)
                if existing is not None
                else Conflict(
                    "external_event_id was used by a conversion of another kind",
                    field="external_event_id",
                )
            )
            continue
        commission = _commission(plan, conversion.conversion_id, conversion.error_code != 0, now)
        rows.append({column: getattr(commission, key) for key, column in _COLUMNS})
        plan.outcome = Outcome(commission, replayed=False)
        referral = plan.referral
        for name, value in plan.links:
            setattr(referral, name, value)
        if referral.transaction_id and referral.converted_at is None:
            ctx.clicks.add(referral.transaction_id)
        advance_referral(referral, plan.body, plan.created_at)
    await repository.insert_commissions(session, rows)
    await repository.mark_clicks_converted(session, ctx.clicks)
    await session.flush()


async def record_batch(
    session: AsyncSession, bodies: Sequence[ConversionIn]
) -> list[Outcome | ClicktrailError]:
    """Record referral conversions in the caller's transaction, in order: each one's
    outcome, or the error that refused it alone (it wrote nothing)."""
    ctx = await _context(session, bodies)
    decided: list[_Plan | _Twin | Outcome | ClicktrailError] = []
    for body in bodies:
        try:
            decided.append(await _plan(session, ctx, body))
        except ClicktrailError as exc:
            decided.append(exc)
    plans = [d for d in decided if isinstance(d, _Plan)]
    if plans:
        await _write(session, ctx, plans)
    return [_answer(one) for one in decided]


def _answer(one: _Plan | _Twin | Outcome | ClicktrailError) -> Outcome | ClicktrailError:
    if isinstance(one, _Twin):
        first = one.plan.outcome
        assert first is not None
        return Outcome(first.commission, replayed=True) if isinstance(first, Outcome) else first
    if isinstance(one, _Plan):
        assert one.outcome is not None
        return one.outcome
    return one
