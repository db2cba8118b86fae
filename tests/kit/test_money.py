"""kit.money: one bound for every money value, parsed strictly, never coerced."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from clicktrail.kit.money import MONEY_MAX, NonNegativeMoney, Rate, parse_money


class _Body(BaseModel):
    amount: NonNegativeMoney


class _RateBody(BaseModel):
    rate: Rate


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", Decimal(12)),
        (" 49.90 ", Decimal("49.90")),
        ("1e3", Decimal(1000)),
        ("0.000001", Decimal("0.000001")),
        ("1000000000", MONEY_MAX),
        ("1000000000.000000", MONEY_MAX),
        ("-0", Decimal(0)),
    ],
)
def test_parse_money_accepts_plain_decimals(raw: str, expected: Decimal) -> None:
    assert parse_money(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("١٢", "digits 0-9"),
        ("\uff11\uff12", "digits 0-9"),
        ("1_000", "digits 0-9"),
        ("NaN", "digits 0-9"),
        ("Infinity", "digits 0-9"),
        ("-inf", "digits 0-9"),
        ("0x10", "digits 0-9"),
        ("", "digits 0-9"),
        ("-1", "negative"),
        ("1000000000.000001", "at most 1000000000"),
        ("9223372036855", "at most 1000000000"),
        ("9223372036854", "at most 1000000000"),
        ("1e400", "at most 1000000000"),
        ("0.0000001", "6 decimal places"),
        ("1e-7", "6 decimal places"),
    ],
)
def test_parse_money_refuses_rather_than_coerces(raw: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_money(raw)


@pytest.mark.parametrize(
    "raw", [9300000000000, "1_000", "١٢", "NaN", float("inf"), float("nan"), True, 0.1234567]
)
def test_pydantic_money_refuses(raw: Any) -> None:
    with pytest.raises(ValidationError):
        _Body.model_validate({"amount": raw})


def test_pydantic_money_reads_json_numbers_exactly() -> None:
    body = _Body.model_validate_json(b'{"amount": 0.1}')
    assert body.amount == Decimal("0.1")
    assert _Body.model_validate_json(b'{"amount": 1000000000}').amount == MONEY_MAX
    with pytest.raises(ValidationError):
        _Body.model_validate_json(b'{"amount": 1000000000.5}')
    assert body.model_dump(mode="json") == {"amount": 0.1}


@pytest.mark.parametrize("raw", ["0", "-1", "NaN", "1e10", "0.00000000001", "\u0661"])
def test_rates_are_bounded_too(raw: str) -> None:
    with pytest.raises(ValidationError):
        _RateBody.model_validate({"rate": raw})
    assert _RateBody.model_validate({"rate": "0.0000000001"}).rate == Decimal("1e-10")
