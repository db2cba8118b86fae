"""Which custom payout/revenue setting prices a conversion or a click (ADR 0094).

Plain values and one pure function, shared by the conversion writer, the tracking cache and
the affiliate's view of its offers; nothing here reads the database.

Precedence, for one offer entry (``entry_key`` 0 is the base conversion), one affiliate and
one moment, decided separately for the payout and for the revenue:

1. an active setting that names the affiliate and is valid at that moment;
2. else an active setting for all affiliates valid at that moment;
3. else the offer's own entry.

Validity is inclusive at both ends; an open end is unbounded. Overlapping settings of the
same scope are refused when written, so at most one matches at each level; were two to
match anyway (a write that bypassed the API), the newest (highest id) wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any


@dataclass(frozen=True, slots=True)
class CustomRate:
    """One active custom setting as pricing reads it."""

    setting_id: int
    offer_id: int
    #: 0 = the base conversion, else the offer entry's ``network_offer_payout_revenue_id``.
    entry_key: int
    #: None = every affiliate.
    affiliate_ids: frozenset[int] | None
    payout_enabled: bool
    payout_type: str
    payout_amount: Decimal
    payout_percentage: Decimal
    revenue_enabled: bool
    revenue_type: str
    revenue_amount: Decimal
    revenue_percentage: Decimal
    valid_from: datetime | None
    valid_to: datetime | None

    def valid_at(self, moment: datetime) -> bool:
        if self.valid_from is not None and moment < self.valid_from:
            return False
        return self.valid_to is None or moment <= self.valid_to

    def overlaps(self, start: datetime | None, end: datetime | None) -> bool:
        """Whether this validity and [start, end] (None = open) share a moment."""
        if self.valid_to is not None and start is not None and self.valid_to < start:
            return False
        return not (self.valid_from is not None and end is not None and end < self.valid_from)


@dataclass(frozen=True, slots=True)
class Chosen:
    """The settings that win for the payout and for the revenue (None: the offer's entry)."""

    payout: CustomRate | None
    revenue: CustomRate | None


NONE = Chosen(None, None)


def _best(candidates: Iterable[CustomRate]) -> CustomRate | None:
    best: CustomRate | None = None
    for rate in candidates:
        if best is None or rate.setting_id > best.setting_id:
            best = rate
    return best


def choose(
    rates: Sequence[CustomRate], entry_key: int, affiliate_id: int | None, moment: datetime
) -> Chosen:
    """The winning settings among ``rates`` (any offer's; other entries are ignored)."""
    if not rates:
        return NONE
    own: list[CustomRate] = []
    everyone: list[CustomRate] = []
    for rate in rates:
        if rate.entry_key != entry_key or not rate.valid_at(moment):
            continue
        if rate.affiliate_ids is None:
            everyone.append(rate)
        elif affiliate_id is not None and affiliate_id in rate.affiliate_ids:
            own.append(rate)
    if not own and not everyone:
        return NONE
    payout = _best(r for r in own if r.payout_enabled) or _best(
        r for r in everyone if r.payout_enabled
    )
    revenue = _best(r for r in own if r.revenue_enabled) or _best(
        r for r in everyone if r.revenue_enabled
    )
    return Chosen(payout, revenue)


def rate_of(row: Any) -> CustomRate:
    """A :class:`CustomRate` from a ``custom_payout_revenue`` row (ORM object or Core row)."""
    ids = row.network_affiliate_ids or []
    return CustomRate(
        setting_id=int(row.network_custom_payout_revenue_setting_id),
        offer_id=int(row.network_offer_id),
        entry_key=int(row.network_offer_payout_revenue_id),
        affiliate_ids=None if row.is_apply_all_affiliates else frozenset(int(i) for i in ids),
        payout_enabled=bool(row.is_custom_payout_enabled),
        payout_type=str(row.payout_type),
        payout_amount=Decimal(row.payout_amount),
        payout_percentage=Decimal(row.payout_percentage),
        revenue_enabled=bool(row.is_custom_revenue_enabled),
        revenue_type=str(row.revenue_type),
        revenue_amount=Decimal(row.revenue_amount),
        revenue_percentage=Decimal(row.revenue_percentage),
        valid_from=row.date_valid_from,
        valid_to=row.date_valid_to,
    )
