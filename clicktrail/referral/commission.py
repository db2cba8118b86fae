"""Referral conversions (Affonso POST /v1/conversions) and their refunds.

A conversion resolves its referral (referral_id, customer_id, external_user_id, click_id, in
that order of trust), converts the sale to the network currency, picks the incentive
(``incentive.py``), computes the commission (percentage or fixed, capped per referred
customer) and its status, then records it through the conversion service, so it lands in
the ``conversion`` table, the rollups and the postback outbox like any other. The
``commission`` row keeps the Affonso side, linked by ``conversion_id``.

Idempotency: ``external_event_id`` is unique on commissions (and, prefixed, the
conversion's idempotency key); a replay returns the stored conversion, never a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import service as conversions
from clicktrail.conversion.draft import ConversionDraft, RequestedStatus
from clicktrail.errors import Conflict, NotFound, ValidationFailed
from clicktrail.kit.money import CENT, ZERO, percent_of, quantize
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Commission, Incentive, Referral
from clicktrail.referral import exchange, repository
from clicktrail.referral.affonso_schemas import ConversionIn, RefundIn
from clicktrail.referral.guard import in_savepoint
from clicktrail.referral.incentive import Sale, best_match
from clicktrail.referral.partners import affiliate_group_id
from clicktrail.referral.schemas import CONVERSION_STATUS, Outcome
from clicktrail.referral.service import LINK_FIELDS, referral_from_click, usable_click
from clicktrail.report.store import store

IDENTIFIERS = ("referral_id", "customer_id", "external_user_id", "click_id")


def idempotency_key(external_event_id: str) -> str:
    return f"affonso:{external_event_id}"


async def _find(session: AsyncSession, field: str, value: str) -> Referral | None:
    if field in LINK_FIELDS:
        return await repository.referral_by(session, field, value, lock=True)
    referral = await repository.referral(session, value, lock=True)
    if referral is not None:
        return referral
    try:
        click = await usable_click(session, value, field)
    except NotFound:
        return None
    return (await referral_from_click(session, click))[0]


async def resolve_referral(session: AsyncSession, body: ConversionIn) -> Referral:
    """The referral to credit: the first given identifier that names one."""
    given = [(f, getattr(body, f)) for f in IDENTIFIERS if getattr(body, f)]
    if not given:
        raise ValidationFailed(
            "one of referral_id, customer_id, external_user_id or click_id is required",
            field="referral_id",
        )
    for field, value in given:
        referral = await _find(session, field, value)
        if referral is not None:
            return referral
    field, value = given[0]
    raise NotFound(f"no referral matches {field} {value!r}", field=field)


async def _link(session: AsyncSession, referral: Referral, body: ConversionIn) -> None:
    """Attach the customer_id / external_user_id sent with the sale when the referral has
    none yet and no other referral holds them, so later sales can use them alone."""
    for field in LINK_FIELDS:
        value = getattr(body, field)
        if (
            value
            and getattr(referral, field) is None
            and await repository.referral_by(session, field, value) is None
        ):
            setattr(referral, field, value)


def _status(
    body: ConversionIn, incentive: Incentive | None, created_at: datetime
) -> tuple[str, datetime | None]:
    """(commission status, end of hold) from the override or the incentive's approval."""
    if body.status is not None:
        return body.status, None
    if body.sales_status in ("failed", "refunded"):
        return "declined", None
    if incentive is None:
        return "ready_for_payment", None
    if incentive.approval_type == "manual":
        return "pending_manual_approval", None
    if incentive.hold_period_days > 0:
        return "pending", created_at + timedelta(days=incentive.hold_period_days)
    return "ready_for_payment", None


async def _commission_amount(
    session: AsyncSession,
    incentive: Incentive | None,
    sale_amount: Decimal,
    network_currency: str,
    earned: Decimal,
    created_at: datetime,
) -> Decimal:
    if incentive is None:
        return ZERO
    if incentive.is_percentage:
        amount = quantize(percent_of(sale_amount, incentive.amount), CENT)
    else:
        fixed = await exchange.convert(
            session,
            incentive.amount,
            incentive.currency_id,
            network_currency,
            created_at.date(),
            "incentive.currency",
        )
        amount = fixed.amount
    if incentive.commission_cap is not None:
        amount = max(ZERO, min(amount, incentive.commission_cap - earned))
    return amount


def _validate(body: ConversionIn) -> None:
    if body.interval is not None and not body.is_subscription:
        raise ValidationFailed("interval is only allowed with is_subscription", field="interval")
    if body.created_at is not None and body.created_at > utcnow() + timedelta(minutes=5):
        raise ValidationFailed("created_at is in the future", field="created_at")


async def _replay(session: AsyncSession, body: ConversionIn) -> Outcome | None:
    """The stored commission of a replayed external_event_id, if the replay names the same
    sale (amount and currency); else Conflict (ADR 0062)."""
    if body.external_event_id is None:
        return None
    existing = await repository.commission_by_event(session, body.external_event_id)
    if existing is None:
        return None
    currency = (body.sale_amount_currency or existing.original_currency_id).upper()
    if currency != existing.original_currency_id:
        raise Conflict(
            "sale_amount_currency differs from the conversion first recorded with this "
            "external_event_id",
            field="sale_amount_currency",
        )
    if body.sale_amount != existing.original_sale_amount:
        raise Conflict(
            "sale_amount differs from the conversion first recorded with this external_event_id",
            field="sale_amount",
        )
    return Outcome(existing, replayed=True)


async def record(session: AsyncSession, body: ConversionIn) -> Outcome:
    """Record one referral conversion with its commission, or replay a stored one."""
    _validate(body)
    replay = await _replay(session, body)
    if replay is not None:
        return replay
    network_currency = await repository.network_currency(session)
    created_at = body.created_at or utcnow()
    converted = await exchange.convert(
        session,
        body.sale_amount,
        body.sale_amount_currency or network_currency,
        network_currency,
        created_at.date(),
        "sale_amount_currency",
    )
    referral = await resolve_referral(session, body)
    await _link(session, referral, body)
    sales, earned = await repository.referral_commission_stats(session, referral.id)
    sale = Sale(
        group_id=await affiliate_group_id(session, referral.network_affiliate_id),
        product_ids=frozenset(body.product_ids or ()),
        price_ids=frozenset(body.price_ids or ()),
        first_sale=sales == 0,
        is_subscription=body.is_subscription,
        interval=body.interval,
    )
    incentive = best_match(
        await repository.active_incentives(session, referral.network_offer_id), sale
    )
    amount = await _commission_amount(
        session, incentive, converted.amount, network_currency, earned, created_at
    )
    status, hold_until = _status(body, incentive, created_at)

    async def _write() -> Outcome:
        return await _insert(
            session, body, referral, incentive, converted, amount, status, hold_until, created_at
        )

    outcome = await in_savepoint(session, _write)
    if outcome is None:  # a concurrent twin with the same external_event_id won
        replay = await _replay(session, body)
        if replay is None:
            raise Conflict("the conversion conflicts with another one", field="external_event_id")
        return replay
    first_conversion = referral.converted_at is None
    _advance_referral(referral, body, created_at)
    if referral.transaction_id and first_conversion:
        await repository.mark_click_converted(session, referral.transaction_id)
    await session.flush()
    return outcome


def _advance_referral(referral: Referral, body: ConversionIn, created_at: datetime) -> None:
    if referral.status in ("lead", "trialing"):
        if body.sales_status == "trialing":
            referral.status = "trialing"
        else:
            referral.status = "active" if body.is_subscription else "customer"
    if referral.converted_at is None and body.sales_status != "trialing":
        referral.converted_at = created_at
    referral.updated_at = utcnow()


async def _insert(
    session: AsyncSession,
    body: ConversionIn,
    referral: Referral,
    incentive: Incentive | None,
    converted: exchange.Converted,
    amount: Decimal,
    status: str,
    hold_until: datetime | None,
    created_at: datetime,
) -> Outcome:
    event = body.external_event_id
    attributes: dict[str, Any] = {"referral_id": referral.id}
    if referral.transaction_id:
        attributes["click_id"] = referral.transaction_id
    if converted.currency != (body.sale_amount_currency or converted.currency).upper():
        attributes["original_sale_amount"] = str(body.sale_amount)
        attributes["original_currency"] = (body.sale_amount_currency or "").upper()
    requested: RequestedStatus = CONVERSION_STATUS[status]  # type: ignore[assignment]
    recorded = await conversions.record(
        session,
        ConversionDraft(
            source="referral",
            offer_id=referral.network_offer_id,
            affiliate_id=referral.network_affiliate_id,
            sale_amount=converted.amount,
            payout=amount,
            status=requested,
            original_status=status,
            created_at=created_at,
            idempotency_key=idempotency_key(event) if event else None,
            order_id=event or "",
            email=referral.email or "",
            attributes=attributes,
        ),
    )
    if recorded.replayed:
        existing = await repository.commission(session, recorded.conversion.conversion_id)
        if existing is None:
            raise Conflict(
                "external_event_id was used by a conversion of another kind",
                field="external_event_id",
            )
        return Outcome(existing, replayed=True)
    conversion = recorded.conversion
    if conversion.error_code != 0:
        status, hold_until = "declined", None  # refused by an offer rule (e.g. inactive)
    now = utcnow()
    commission = await repository.add(
        session,
        Commission(
            conversion_id=conversion.conversion_id,
            referral_id=referral.id,
            network_offer_id=referral.network_offer_id,
            network_affiliate_id=referral.network_affiliate_id,
            external_event_id=event,
            incentive_id=incentive.incentive_id if incentive is not None else None,
            original_sale_amount=body.sale_amount,
            original_currency_id=(body.sale_amount_currency or converted.currency).upper(),
            exchange_rate=converted.rate,
            exchange_rate_date=converted.rate_date,
            sale_amount=converted.amount,
            currency_id=converted.currency,
            initial_commission_amount=amount,
            commission_amount=amount,
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
            created_at=created_at,
            updated_at=now,
        ),
    )
    return Outcome(commission, replayed=False)


async def get(session: AsyncSession, conversion_id: str) -> Commission:
    commission = await repository.commission(session, conversion_id)
    if commission is None:
        raise NotFound(f"conversion {conversion_id} not found", field="id")
    return commission


async def refund(session: AsyncSession, conversion_id: str, body: RefundIn) -> Outcome:
    """Apply a full (no amount) or partial refund (Affonso POST /v1/conversions/{id}/refund).

    The sale shrinks by the amount, the commission proportionally; a full refund sets
    ``refunded`` (and rejects the conversion). Idempotent on the refund's external_event_id.
    """
    from clicktrail.models import CommissionRefund

    if body.external_event_id is not None:
        done = await repository.refund_by_event(session, body.external_event_id)
        if done is not None:
            if done.conversion_id != conversion_id:
                raise Conflict(
                    "external_event_id was used for another conversion's refund",
                    field="external_event_id",
                )
            return Outcome(await get(session, conversion_id), replayed=True)
    commission = await repository.commission(session, conversion_id, lock=True)
    if commission is None:
        raise NotFound(f"conversion {conversion_id} not found", field="id")
    remaining = commission.sale_amount
    if remaining <= 0:
        raise ValidationFailed("the conversion is already fully refunded", field="amount")
    amount = remaining if body.amount is None else _refund_amount(commission, body)
    if amount > remaining:
        raise ValidationFailed(
            f"amount exceeds the remaining sale amount ({remaining.normalize()})",
            field="amount",
        )
    now = utcnow()
    left = remaining - amount
    new_commission = (
        ZERO if left == 0 else quantize(commission.commission_amount * left / remaining, CENT)
    )
    delta = commission.commission_amount - new_commission

    async def _write() -> CommissionRefund:
        return await repository.add(
            session,
            CommissionRefund(
                conversion_id=conversion_id,
                external_event_id=body.external_event_id,
                amount=amount,
                currency_id=(body.currency or commission.currency_id).upper(),
                commission_delta=delta,
                reason=body.reason or "",
                refunded_at=body.refunded_at or now,
                created_at=now,
            ),
        )

    if await in_savepoint(session, _write) is None:
        raise Conflict("a refund with this external_event_id exists", field="external_event_id")
    commission.sale_amount = left
    commission.refunded_sale_amount += amount
    commission.commission_amount = new_commission
    commission.sales_status = "refunded" if left == 0 else "partial_refunded"
    if left == 0:
        commission.status = "refunded"
        commission.hold_until = None
    commission.updated_at = now
    await _apply_to_conversion(session, commission, left, remaining)
    await session.flush()
    return Outcome(commission, replayed=False)


def _refund_amount(commission: Commission, body: RefundIn) -> Decimal:
    assert body.amount is not None
    currency = (body.currency or commission.currency_id).upper()
    if currency == commission.currency_id:
        return body.amount
    if currency == commission.original_currency_id:
        return quantize(body.amount * commission.exchange_rate, CENT)
    raise ValidationFailed(
        f"currency must be {commission.currency_id} or the sale's "
        f"{commission.original_currency_id}",
        field="currency",
    )


async def _apply_to_conversion(
    session: AsyncSession, commission: Commission, left: Decimal, before: Decimal
) -> None:
    """Carry the refund onto the conversion row (amounts through the rollups -1/+1, a full
    refund as a rejection through the conversion service)."""
    conversion = await repository.conversion(session, commission.conversion_id)
    if conversion is None:
        return
    await store().record_conversions(session, [conversion], -1)
    conversion.sale_amount = left
    conversion.payout = commission.commission_amount
    conversion.revenue = quantize(conversion.revenue * left / before) if before else ZERO
    conversion.updated_at = utcnow()
    await session.flush()
    await store().record_conversions(session, [conversion], +1)
    if left == 0:
        await conversions.change_status(session, [conversion.conversion_id], "rejected")
