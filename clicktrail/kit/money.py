"""Money: Decimal in Python, NUMERIC in the database, a JSON number on the wire."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
ZERO = Decimal("0")


def _to_number(value: Decimal) -> float | int:
    if value == value.to_integral_value():
        return int(value)
    return float(value)


#: A money amount as a pydantic field: parsed to Decimal, rendered as a JSON number.
Money = Annotated[Decimal, PlainSerializer(_to_number, return_type=float | int, when_used="json")]
#: A money amount that may not be negative.
NonNegativeMoney = Annotated[Money, Field(ge=0, max_digits=20, decimal_places=6)]


def quantize(value: Decimal, step: Decimal = MICRO) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percentage: Decimal) -> Decimal:
    """``percentage`` percent of ``amount`` (``percent_of(200, 5) == 10``), to the micro unit."""
    return quantize(amount * percentage / Decimal(100))
