"""A scope's caps as the rules read them: which (period, metric) pairs are capped, and at what.

A scope is an offer (``affiliate_id`` 0: its own caps) or an offer and affiliate (a custom
cap setting). Only positive caps are kept: 0 means no cap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from clicktrail.models.caps_mixin import METRICS, PERIODS

#: What each metric adds per conversion or click, by the counter's column.
COUNTER_OF = {
    "click": "clicks",
    "conversion": "conversions",
    "payout": "payout",
    "revenue": "revenue",
}


@dataclass(frozen=True, slots=True)
class Scope:
    offer_id: int
    #: 0: the offer's own caps; else the affiliate of a custom cap setting.
    affiliate_id: int
    #: A soft cap is reported, never enforced.
    soft: bool
    #: The custom cap setting's id (0 for the offer's own caps).
    setting_id: int
    #: (period, metric, limit) for every positive cap, periods and metrics as in Everflow's
    #: field names (``daily``, ``conversion`` …).
    caps: tuple[tuple[str, str, Decimal], ...]

    def of_metric(self, *metrics: str) -> tuple[tuple[str, str, Decimal], ...]:
        return tuple(cap for cap in self.caps if cap[1] in metrics)


def scope_of(row: Any, offer_id: int, affiliate_id: int, *, soft: bool, setting_id: int) -> Scope:
    """The scope of a row holding the ``<period>_<metric>_cap`` columns."""
    caps = []
    for period in PERIODS:
        for metric in METRICS:
            value = getattr(row, f"{period}_{metric}_cap")
            if value is not None and value > 0:
                caps.append((period, metric, Decimal(value)))
    return Scope(offer_id, affiliate_id, soft, setting_id, tuple(caps))
