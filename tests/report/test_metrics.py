"""The metric shapes equal their definitions (ADR 0044), value for value and type for type,
for any sums: the shapes compute inline for speed, this spells each metric out."""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from clicktrail.models.rollup import METRICS
from clicktrail.report import metrics

AT = {m: i for i, m in enumerate(METRICS)}


def _money(micros: int) -> float | int:
    exact = Decimal(micros) / Decimal(1_000_000)
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def _ratio(num: float, den: float, places: int) -> float:
    return round(num / den, places) if den else 0.0


def _pct(num: float, den: float) -> float:
    return round(num * 100 / den, 2) if den else 0.0


def _network(m: list[int]) -> dict[str, Any]:
    total, unique, invalid = m[AT["total_click"]], m[AT["unique_click"]], m[AT["invalid_click"]]
    cv, event = m[AT["cv"]], m[AT["event"]]
    payout, revenue, sales = m[AT["payout"]], m[AT["revenue"]], m[AT["sale_amount"]]
    imp = m[AT["imp"]]
    return {
        "imp": imp,
        "total_click": total,
        "unique_click": unique,
        "invalid_click": invalid,
        "duplicate_click": total - unique,
        "gross_click": total + invalid,
        "ctr": _pct(total, imp),
        "cv": cv,
        "invalid_cv_scrub": m[AT["invalid_cv"]],
        "view_through_cv": 0,
        "total_cv": cv,
        "event": event,
        "cvr": _pct(cv, total),
        "evr": _pct(event, total),
        "cpc": _ratio(payout / 1e6, total, 4),
        "cpm": _ratio(payout * 1000 / 1_000_000, imp, 4),
        "cpa": _ratio(payout / 1e6, cv, 4),
        "epc": _ratio(payout / 1e6, total, 4),
        "rpc": _ratio(revenue / 1e6, total, 4),
        "rpa": _ratio(revenue / 1e6, cv, 4),
        "rpm": _ratio(revenue * 1000 / 1_000_000, imp, 4),
        "payout": _money(payout),
        "revenue": _money(revenue),
        "gross_sales": _money(sales),
        "profit": _money(revenue - payout),
        "margin": _pct(revenue - payout, revenue),
        "avg_sale_value": _ratio(sales / 1e6, cv, 4),
        "on_hold_conversion_count": m[AT["pending_cv"]],
        "on_hold_potential_payout": _money(m[AT["pending_payout"]]),
        "on_hold_potential_revenue": _money(m[AT["pending_revenue"]]),
    }


def _affiliate(m: list[int]) -> dict[str, Any]:
    total, cv, event = m[AT["total_click"]], m[AT["cv"]], m[AT["event"]]
    return {
        "imp": m[AT["imp"]],
        "total_click": total,
        "unique_click": m[AT["unique_click"]],
        "invalid_click": m[AT["invalid_click"]],
        "duplicate_click": total - m[AT["unique_click"]],
        "ctr": _pct(total, m[AT["imp"]]),
        "cv": cv,
        "view_through_cv": 0,
        "event": event,
        "cvr": _pct(cv, total),
        "evr": _pct(event, total),
        "epc": _ratio(m[AT["payout"]] / 1e6, total, 4),
        "payout": _money(m[AT["payout"]]),
        "on_hold_conversion_count": m[AT["pending_cv"]],
        "on_hold_potential_payout": _money(m[AT["pending_payout"]]),
    }


def _same(got: dict[str, Any], want: dict[str, Any]) -> bool:
    """Equal keys in the same order, equal values of the same type (and sign, for zeros)."""
    if list(got) != list(want):
        return False
    for key, value in want.items():
        other = got[key]
        if type(other) is not type(value) or other != value:
            return False
        if isinstance(value, float) and math.copysign(1, value) != math.copysign(1, other):
            return False
    return True


sums = st.lists(
    st.one_of(
        st.integers(0, 3),
        st.integers(0, 10**13),
        st.integers(-(10**9), 10**9),
        st.sampled_from([1_000_000, 5_000_000, 2_500_000, 333_333]),
    ),
    min_size=len(METRICS),
    max_size=len(METRICS),
)


@given(m=sums)
def test_network_metrics_follow_their_definitions(m: list[int]) -> None:
    assert _same(metrics.network(tuple(m)), _network(m))


@given(m=sums)
def test_affiliate_metrics_follow_their_definitions(m: list[int]) -> None:
    assert _same(metrics.affiliate(tuple(m)), _affiliate(m))


@given(
    value=st.one_of(
        st.floats(allow_nan=False),
        st.floats(-1e4, 1e4),
        st.integers(-(10**8), 10**8).map(lambda n: n / 200),  # halves at 2 places
        st.integers(-(10**8), 10**8).map(lambda n: n / 20_000),  # halves at 4 places
    ),
    places=st.sampled_from([2, 4]),
)
def test_fast_round_returns_what_round_returns(value: float, places: int) -> None:
    want = round(value, places)
    got = metrics._round(value, places)
    assert repr(got) == repr(want)


def test_fast_round_keeps_the_hard_cases() -> None:
    # Halves of the binary value, decimal halves that are below or above it in binary, the
    # sign of a zero result, and values too large for the shortcut.
    for value in (0.125, 0.285, 2.675, 1.005, -0.001, -0.00004, 0.00004, 1e12 + 0.005, 5e-324):
        for places in (2, 4):
            assert repr(metrics._round(value, places)) == repr(round(value, places))
