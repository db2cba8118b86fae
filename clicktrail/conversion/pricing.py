"""Payout and revenue of one conversion from its offer's payout_revenue entry.

Everflow's types: payout ``cpa`` (fixed), ``cps`` (% of the sale amount), ``cpa_cps`` (both),
``prv`` (% of the conversion's revenue), ``cpc``/``cpm`` (paid per click/impression, so 0
here); revenue ``rpa``, ``rps``, ``rpa_rps``, ``rpc``/``rpm`` likewise. ``*_sku`` variants
price like their base type. Overrides replace the computed amount; PRV takes its percentage
of the final (possibly overridden) revenue.

A custom payout/revenue setting (``offer/custom_rules.py``, ADR 0094) replaces the entry's
payout side, revenue side or both before pricing: :func:`effective_entry`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from clicktrail.conversion.repository import EntryFacts
from clicktrail.errors import ValidationFailed
from clicktrail.kit.money import MONEY_MAX, ZERO, percent_of, quantize
from clicktrail.offer.custom_rules import CustomRate, choose


@dataclass(frozen=True, slots=True)
class Price:
    payout_type: str
    payout: Decimal
    revenue_type: str
    revenue: Decimal


def _base(kind: str) -> str:
    return kind.removesuffix("_sku")


def revenue_of(entry: EntryFacts, sale: Decimal) -> Decimal:
    kind = _base(entry.revenue_type)
    fixed = entry.revenue_amount if kind in ("rpa", "rpa_rps") else ZERO
    share = percent_of(sale, entry.revenue_percentage) if kind in ("rps", "rpa_rps") else ZERO
    return quantize(fixed + share)


def payout_of(entry: EntryFacts, sale: Decimal, revenue: Decimal) -> Decimal:
    kind = _base(entry.payout_type)
    if kind == "prv":
        return percent_of(revenue, entry.payout_percentage)
    fixed = entry.payout_amount if kind in ("cpa", "cpa_cps") else ZERO
    share = percent_of(sale, entry.payout_percentage) if kind in ("cps", "cpa_cps") else ZERO
    return quantize(fixed + share)


def price(
    entry: EntryFacts,
    sale: Decimal,
    *,
    revenue_override: Decimal | None = None,
    payout_override: Decimal | None = None,
) -> Price:
    revenue = revenue_of(entry, sale) if revenue_override is None else quantize(revenue_override)
    payout = (
        payout_of(entry, sale, revenue) if payout_override is None else quantize(payout_override)
    )
    for name, value in (("revenue", revenue), ("payout", payout)):
        if value > MONEY_MAX:  # a percentage above 100 of a sale near the bound
            raise ValidationFailed(
                f"sale_amount gives a {name} above {MONEY_MAX} at this offer's price",
                field="sale_amount",
            )
    return Price(entry.payout_type, payout, entry.revenue_type, revenue)


def effective_entry(
    entry: EntryFacts,
    custom: Sequence[CustomRate],
    affiliate_id: int | None,
    moment: datetime,
) -> EntryFacts:
    """``entry`` with the payout and revenue of the custom settings that win for this
    affiliate at ``moment`` (the entry itself when none does)."""
    if not custom:
        return entry
    key = 0 if entry.is_default or entry.event_id == 0 else entry.network_offer_payout_revenue_id
    chosen = choose(custom, key, affiliate_id, moment)
    if chosen.payout is not None:
        rate = chosen.payout
        entry = entry._replace(
            payout_type=rate.payout_type,
            payout_amount=rate.payout_amount,
            payout_percentage=rate.payout_percentage,
        )
    if chosen.revenue is not None:
        rate = chosen.revenue
        entry = entry._replace(
            revenue_type=rate.revenue_type,
            revenue_amount=rate.revenue_amount,
            revenue_percentage=rate.revenue_percentage,
        )
    return entry
