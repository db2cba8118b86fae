"""The cap fields on the wire, shared by the offer and the custom cap setting shapes.

Counts are non-negative 32-bit integers, payout and revenue caps money; 0 means no cap and
a negative value is a 400 naming the field.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from clicktrail.kit.money import NonNegativeMoney, _to_number
from clicktrail.kit.wire import Int32
from clicktrail.models.caps_mixin import CAP_FIELDS, COUNT_METRICS


class CapFieldsIn(BaseModel):
    """Everflow's sixteen ``<period>_<metric>_cap`` fields (0 = no cap)."""

    daily_click_cap: Int32 = 0
    weekly_click_cap: Int32 = 0
    monthly_click_cap: Int32 = 0
    global_click_cap: Int32 = 0
    daily_conversion_cap: Int32 = 0
    weekly_conversion_cap: Int32 = 0
    monthly_conversion_cap: Int32 = 0
    global_conversion_cap: Int32 = 0
    daily_payout_cap: NonNegativeMoney = Decimal(0)
    weekly_payout_cap: NonNegativeMoney = Decimal(0)
    monthly_payout_cap: NonNegativeMoney = Decimal(0)
    global_payout_cap: NonNegativeMoney = Decimal(0)
    daily_revenue_cap: NonNegativeMoney = Decimal(0)
    weekly_revenue_cap: NonNegativeMoney = Decimal(0)
    monthly_revenue_cap: NonNegativeMoney = Decimal(0)
    global_revenue_cap: NonNegativeMoney = Decimal(0)


def is_count(field: str) -> bool:
    return any(f"_{metric}_cap" in field for metric in COUNT_METRICS)


def caps_out(row: Any) -> dict[str, Any]:
    """The cap fields of a row as Everflow renders them (money as JSON numbers)."""
    out: dict[str, Any] = {}
    for name in CAP_FIELDS:
        value = getattr(row, name)
        out[name] = int(value) if is_count(name) else _to_number(Decimal(value))
    return out
