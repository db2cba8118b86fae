"""Money: Decimal in Python, NUMERIC in the database, a JSON number on the wire.

Every money value any surface accepts is bounded once, here (ADR 0061): a plain decimal
number written with ASCII digits, at least 0 and at most :data:`MONEY_MAX`, with at most
:data:`MONEY_PLACES` decimal places (the stored scale, NUMERIC(20, 6)). Anything else
(NaN, Infinity, ``1_000``, ``١٢``, ``0.0000001``, a boolean) is refused, never coerced.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, PlainSerializer

CENT = Decimal("0.01")
MICRO = Decimal("0.000001")
ZERO = Decimal("0")

#: The largest money value accepted anywhere: one billion units of any currency, 10**15
#: micro-units. Sums of such values are not bounded by a BIGINT: the rollups keep each money
#: sum as a metric and a carry column (ADR 0078) and reports add them exactly.
MONEY_MAX = Decimal(1_000_000_000)
#: Decimal places kept (NUMERIC(20, 6)); more are refused rather than rounded.
MONEY_PLACES = 6
#: An exchange rate (NUMERIC(24, 10)): positive, at most this, ten places.
RATE_MAX = Decimal(1_000_000_000)
RATE_PLACES = 10

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,4})?", re.ASCII)


def _to_number(value: Decimal) -> float | int:
    if value == value.to_integral_value():
        return int(value)
    return float(value)


def _places(value: Decimal) -> int:
    exponent = value.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def to_decimal(raw: Any) -> Decimal:
    """A number as sent (text, JSON number, Decimal) as a finite Decimal, strictly: ASCII
    digits only, no underscores, no NaN or Infinity, no booleans. Raises ValueError."""
    if isinstance(raw, bool):
        raise ValueError("must be a number")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, int):
        value = Decimal(raw)
    elif isinstance(raw, float):
        if not math.isfinite(raw):
            raise ValueError("must be a finite number")
        value = Decimal(repr(raw))
    elif isinstance(raw, str):
        text = raw.strip()
        if not _NUMBER.fullmatch(text):
            raise ValueError("must be a decimal number written with the digits 0-9")
        try:
            value = Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid text
            raise ValueError("must be a number") from None
    else:
        raise ValueError("must be a number")
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


def check_money(value: Decimal) -> Decimal:
    """``value`` if it is a money value clicktrail stores; else ValueError saying why."""
    if not value.is_finite():
        raise ValueError("must be a finite number")
    if value < 0:
        raise ValueError("must not be negative")
    if value > MONEY_MAX:
        raise ValueError(f"must be at most {MONEY_MAX}")
    if _places(value) > MONEY_PLACES:
        raise ValueError(f"must have at most {MONEY_PLACES} decimal places")
    return value + ZERO  # -0 becomes 0


def parse_money(raw: Any) -> Decimal:
    """A money value from text or a JSON number (a query string's ``amount``), strictly."""
    return check_money(to_decimal(raw))


def check_rate(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be positive")
    if value > RATE_MAX:
        raise ValueError(f"must be at most {RATE_MAX}")
    if _places(value) > RATE_PLACES:
        raise ValueError(f"must have at most {RATE_PLACES} decimal places")
    return value


def _positive(value: Decimal) -> Decimal:
    if value <= 0:
        raise ValueError("must be greater than 0")
    return value


_Serialized = PlainSerializer(_to_number, return_type=float | int, when_used="json")

#: A money amount as a pydantic field: parsed to Decimal, rendered as a JSON number.
Money = Annotated[Decimal, _Serialized]
#: A money amount a request may send: strict, 0 <= amount <= MONEY_MAX, six places at most.
NonNegativeMoney = Annotated[
    Decimal, BeforeValidator(to_decimal), AfterValidator(check_money), _Serialized
]
#: The same, greater than zero.
PositiveMoney = Annotated[
    Decimal,
    BeforeValidator(to_decimal),
    AfterValidator(check_money),
    AfterValidator(_positive),
    _Serialized,
]
#: An exchange rate a request may send: strict, 0 < rate <= RATE_MAX, ten places at most.
Rate = Annotated[Decimal, BeforeValidator(to_decimal), AfterValidator(check_rate)]


def quantize(value: Decimal, step: Decimal = MICRO) -> Decimal:
    return value.quantize(step, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, percentage: Decimal) -> Decimal:
    """``percentage`` percent of ``amount`` (``percent_of(200, 5) == 10``), to the micro unit."""
    return quantize(amount * percentage / Decimal(100))


def within_bound(value: Decimal) -> bool:
    """Whether a computed amount (a percentage of a sale, a converted amount) is storable."""
    return ZERO <= value <= MONEY_MAX
