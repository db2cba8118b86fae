"""Everflow's reporting metrics computed from rollup sums (ADR 0044).

Rates are percentages rounded to 2 places; per-unit money to 4 places; money sums exact.
``cv``/``event``/payout/revenue count approved conversions only; pending ones appear in the
on-hold metrics and rejected/invalid ones in ``invalid_cv_scrub``. ``total_click`` is unique
plus duplicate clicks; invalid clicks are apart and ``gross_click`` is all of them. There is
no impression tracking, so impression-based metrics are 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from clicktrail.models.rollup import METRICS

_I = {m: i for i, m in enumerate(METRICS)}
_PER = 1_000_000


def _money(micros: int) -> float | int:
    """Micro-units as the nearest float (an int when whole): int / int is correctly rounded,
    as float(Decimal(micros) / 10**6) is, without the Decimal arithmetic."""
    whole, rest = divmod(micros, _PER)
    return whole if rest == 0 else micros / _PER


def _ratio(num: float, den: float, places: int) -> float:
    return round(num / den, places) if den else 0.0


def _pct(num: float, den: float) -> float:
    return round(num * 100 / den, 2) if den else 0.0


def network(m: Sequence[int]) -> dict[str, Any]:
    total = m[_I["total_click"]]
    unique = m[_I["unique_click"]]
    invalid = m[_I["invalid_click"]]
    cv = m[_I["cv"]]
    event = m[_I["event"]]
    payout = m[_I["payout"]]
    revenue = m[_I["revenue"]]
    sales = m[_I["sale_amount"]]
    profit = revenue - payout
    per = 1_000_000
    return {
        "imp": 0,
        "total_click": total,
        "unique_click": unique,
        "invalid_click": invalid,
        "duplicate_click": total - unique,
        "gross_click": total + invalid,
        "ctr": 0.0,
        "cv": cv,
        "invalid_cv_scrub": m[_I["invalid_cv"]],
        "view_through_cv": 0,
        "total_cv": cv,
        "event": event,
        "cvr": _pct(cv, total),
        "evr": _pct(event, total),
        "cpc": _ratio(payout / per, total, 4),
        "cpm": 0.0,
        "cpa": _ratio(payout / per, cv, 4),
        "epc": _ratio(payout / per, total, 4),
        "rpc": _ratio(revenue / per, total, 4),
        "rpa": _ratio(revenue / per, cv, 4),
        "rpm": 0.0,
        "payout": _money(payout),
        "revenue": _money(revenue),
        "gross_sales": _money(sales),
        "profit": _money(profit),
        "margin": _pct(profit, revenue),
        "avg_sale_value": _ratio(sales / per, cv, 4),
        "on_hold_conversion_count": m[_I["pending_cv"]],
        "on_hold_potential_payout": _money(m[_I["pending_payout"]]),
        "on_hold_potential_revenue": _money(m[_I["pending_revenue"]]),
    }


def affiliate(m: Sequence[int]) -> dict[str, Any]:
    """The affiliate realm's metrics: what the affiliate earns (``payout``) and its earnings
    per click (``epc``). No key named revenue, profit or margin appears at all, so the
    network's money can never leak through a field an affiliate reads as its own."""
    total = m[_I["total_click"]]
    unique = m[_I["unique_click"]]
    cv = m[_I["cv"]]
    event = m[_I["event"]]
    earnings = m[_I["payout"]]
    return {
        "imp": 0,
        "total_click": total,
        "unique_click": unique,
        "invalid_click": m[_I["invalid_click"]],
        "duplicate_click": total - unique,
        "ctr": 0.0,
        "cv": cv,
        "view_through_cv": 0,
        "event": event,
        "cvr": _pct(cv, total),
        "evr": _pct(event, total),
        "epc": _ratio(earnings / 1_000_000, total, 4),
        "payout": _money(earnings),
        "on_hold_conversion_count": m[_I["pending_cv"]],
        "on_hold_potential_payout": _money(m[_I["pending_payout"]]),
    }
