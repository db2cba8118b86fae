"""Incentives: the commission rules of an offer, and the choice of the one that pays a sale.

Matching (docs/adr/0051-incentive-matching.md). An active incentive of the sale's offer
matches when each of its conditions holds:

* group: none, or the affiliate's group (its own, else the default group);
* product_ids / price_ids: none, or at least one in common with the sale's;
* apply_to: ``all_sales``, or ``first_sale`` and the referral has no sale yet;
* interval: none, or the sale is a subscription with that interval.

The most specific match wins, comparing in order: has price_ids, has product_ids, has a
group, has an interval, is first-sale-only; a tie goes to the oldest (lowest id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Incentive
from clicktrail.referral import repository
from clicktrail.referral.affonso_schemas import IncentiveIn, IncentiveUpdate
from clicktrail.referral.exchange import known_currency
from clicktrail.referral.partners import get_group
from clicktrail.referral.service import parse_int_id, program

HUNDRED = Decimal(100)


@dataclass(slots=True, frozen=True)
class Sale:
    """What incentive matching looks at."""

    group_id: int | None
    product_ids: frozenset[str]
    price_ids: frozenset[str]
    first_sale: bool
    is_subscription: bool
    interval: str | None


def matches(incentive: Incentive, sale: Sale) -> bool:
    if incentive.affiliate_group_id is not None and incentive.affiliate_group_id != sale.group_id:
        return False
    if incentive.product_ids and not sale.product_ids.intersection(incentive.product_ids):
        return False
    if incentive.price_ids and not sale.price_ids.intersection(incentive.price_ids):
        return False
    if incentive.apply_to == "first_sale" and not sale.first_sale:
        return False
    return not incentive.interval or (sale.is_subscription and sale.interval == incentive.interval)


def specificity(incentive: Incentive) -> tuple[bool, bool, bool, bool, bool, int]:
    return (
        bool(incentive.price_ids),
        bool(incentive.product_ids),
        incentive.affiliate_group_id is not None,
        bool(incentive.interval),
        incentive.apply_to == "first_sale",
        -incentive.incentive_id,
    )


def best_match(incentives: Sequence[Incentive], sale: Sale) -> Incentive | None:
    candidates = [i for i in incentives if i.is_active and matches(i, sale)]
    return max(candidates, key=specificity) if candidates else None


def _check_amount(is_percentage: bool, amount: Decimal) -> None:
    if is_percentage and amount > HUNDRED:
        raise ValidationFailed("a percentage amount must be between 0 and 100", field="amount")


def _ids(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    return sorted({v.strip() for v in values if v.strip()}) or None


async def get(session: AsyncSession, incentive_id: str) -> Incentive:
    incentive = await repository.incentive(session, parse_int_id(incentive_id, "id", "incentive"))
    if incentive is None:
        raise NotFound(f"incentive {incentive_id} not found", field="id")
    return incentive


async def listing(session: AsyncSession, program_id: str | None) -> Sequence[Incentive]:
    if program_id is None:
        return await repository.incentives(session)
    try:
        offer_id = parse_int_id(program_id, "program_id", "program")
    except NotFound:
        return []
    return await repository.incentives(session, offer_id)


async def create(session: AsyncSession, body: IncentiveIn) -> Incentive:
    offer = await program(session, body.program_id)
    group_id = None
    if body.group_id is not None:
        group_id = (await get_group(session, body.group_id, "group_id")).affiliate_group_id
    _check_amount(body.is_percentage, body.amount)
    currency = known_currency(
        body.currency or await repository.network_currency(session), "currency"
    )
    now = utcnow()
    return await repository.add(
        session,
        Incentive(
            network_offer_id=offer.network_offer_id,
            affiliate_group_id=group_id,
            name=body.name,
            is_percentage=body.is_percentage,
            amount=body.amount,
            currency_id=currency,
            apply_to=body.apply_to,
            interval=body.interval,
            product_ids=_ids(body.product_ids),
            price_ids=_ids(body.price_ids),
            approval_type=body.approval_type,
            hold_period_days=body.hold_period_days,
            commission_cap=body.commission_cap,
            is_active=body.is_active,
            created_at=now,
            updated_at=now,
        ),
    )


_NOT_NULL = ("name", "amount", "is_percentage", "apply_to", "approval_type")


async def update(session: AsyncSession, incentive_id: str, body: IncentiveUpdate) -> Incentive:
    incentive = await get(session, incentive_id)
    sent = body.model_fields_set
    for name in (*_NOT_NULL, "hold_period_days", "is_active", "currency"):
        if name in sent and getattr(body, name) is None:
            raise ValidationFailed(f"{name} may not be null", field=name)
    if "group_id" in sent:
        incentive.affiliate_group_id = (
            (await get_group(session, body.group_id, "group_id")).affiliate_group_id
            if body.group_id is not None
            else None
        )
    for name in (*_NOT_NULL, "interval", "hold_period_days", "commission_cap", "is_active"):
        if name in sent:
            setattr(incentive, name, getattr(body, name))
    if "currency" in sent and body.currency is not None:
        incentive.currency_id = known_currency(body.currency, "currency")
    if "product_ids" in sent:
        incentive.product_ids = _ids(body.product_ids)
    if "price_ids" in sent:
        incentive.price_ids = _ids(body.price_ids)
    _check_amount(incentive.is_percentage, incentive.amount)
    incentive.updated_at = utcnow()
    await session.flush()
    return incentive


async def delete(session: AsyncSession, incentive_id: str) -> None:
    """Delete an incentive. Commissions it paid keep their ``matched_incentive_id``."""
    await repository.delete(session, await get(session, incentive_id))
