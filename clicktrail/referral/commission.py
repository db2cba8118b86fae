"""Referral conversions (Affonso POST /v1/conversions): their rules; and their refunds.

A conversion resolves its referral (referral_id, customer_id, external_user_id, click_id, in
that order of trust), converts the sale to the network currency, picks the incentive
(``incentive.py``), computes the commission (percentage or fixed, capped per referred
customer) and its status, then records it through the conversion service, so it lands in
the ``conversion`` table, the rollups and the postback outbox like any other. The
``commission`` row keeps the Affonso side, linked by ``conversion_id``. Conversions are
recorded in batches by the conversion writer (``batch.py``, ADR 0107); the rules they share
with a single request live here.

Idempotency: ``external_event_id`` is unique on commissions (and, prefixed, the
conversion's idempotency key); a replay returns the stored conversion, never a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import service as conversions
from clicktrail.errors import Conflict, NotFound, ValidationFailed
from clicktrail.kit.money import CENT, ZERO, percent_of, quantize
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Commission, Incentive, Referral
from clicktrail.referral import exchange, repository
from clicktrail.referral.affonso_schemas import ConversionIn, RefundIn
from clicktrail.referral.guard import in_savepoint
from clicktrail.referral.schemas import Outcome
from clicktrail.report.store import store

IDENTIFIERS = ("referral_id", "customer_id", "external_user_id", "click_id")


def idempotency_key(external_event_id: str) -> str:
    return f"affonso:{external_event_id}"


def commission_status(
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


async def commission_amount(
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


def check(body: ConversionIn) -> None:
    """The rules a body breaks on its own (no database needed)."""
    if body.interval is not None and not body.is_subscription:
        raise ValidationFailed("interval is only allowed with is_subscription", field="interval")
    if body.created_at is not None and body.created_at > utcnow() + timedelta(minutes=5):
        raise ValidationFailed("created_at is in the future", field="created_at")


def check_replay(body: ConversionIn, amount: Decimal, currency_id: str) -> None:
    """A replayed external_event_id must name the same sale (amount and currency) as the
    conversion first recorded with it; else Conflict (ADR 0062)."""
    currency = (body.sale_amount_currency or currency_id).upper()
    if currency != currency_id:
        raise Conflict(
            "sale_amount_currency differs from the conversion first recorded with this "
            "external_event_id",
            field="sale_amount_currency",
        )
    if body.sale_amount != amount:
        raise Conflict(
            "sale_amount differs from the conversion first recorded with this external_event_id",
            field="sale_amount",
        )


def advance_referral(referral: Referral, body: ConversionIn, created_at: datetime) -> None:
    if referral.status in ("lead", "trialing"):
        if body.sales_status == "trialing":
            referral.status = "trialing"
        else:
            referral.status = "active" if body.is_subscription else "customer"
    if referral.converted_at is None and body.sales_status != "trialing":
        referral.converted_at = created_at
    referral.updated_at = utcnow()


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
