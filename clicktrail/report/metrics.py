"""Everflow's reporting metrics computed from rollup sums (ADR 0044).

Rates are percentages rounded to 2 places; per-unit money to 4 places; money sums exact.
``cv``/``event``/payout/revenue count approved conversions only; pending ones appear in the
on-hold metrics and rejected/invalid ones in ``invalid_cv_scrub``. ``total_click`` is unique
plus duplicate clicks; invalid clicks are apart and ``gross_click`` is all of them.
Impressions (ADR 0102): ``imp`` counts them, ``ctr`` is ``total_click * 100 / imp`` (0.0
without impressions), ``cpm`` and ``rpm`` are the payout and revenue per 1,000 impressions.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from clicktrail.models.rollup import METRICS

#: The order :func:`network` and :func:`affiliate` unpack a row's sums in.
_ORDER = (
    "total_click",
    "unique_click",
    "invalid_click",
    "cv",
    "event",
    "invalid_cv",
    "pending_cv",
    "payout",
    "revenue",
    "sale_amount",
    "pending_payout",
    "pending_revenue",
    "imp",
)
assert _ORDER == METRICS
_PER = 1_000_000

# The shapes below run once per table row (10,000 rows for a capped report), so they unpack
# the sums and compute inline instead of calling helpers. Each value is computed exactly as
# documented, in the same order of operations; ``round`` (the costly part) is skipped for a
# zero, which it returns unchanged (sign included).


#: Micro-units below which a sum with a fraction has at most 15 significant digits, which a
#: float's shortest repr gives back exactly; larger ones (sums past a billion units, ADR
#: 0078) are given as an exact Decimal.
_FLOAT_EXACT = 10**15


def _exact(micros: int) -> float | Decimal:
    """Micro-units that are not whole units: the float when it is exact, else a Decimal
    without trailing zeros."""
    if -_FLOAT_EXACT < micros < _FLOAT_EXACT:
        return micros / _PER
    exponent = -6
    while micros % 10 == 0:
        micros //= 10
        exponent += 1
    return Decimal(f"{micros}E{exponent}")


def _money(micros: int) -> float | int | Decimal:
    """Micro-units as an int when whole, else the nearest float (int / int is correctly
    rounded, as float(Decimal(micros) / 10**6) is, without the Decimal arithmetic), or a
    Decimal where a float would not give the sum back exactly."""
    return micros // _PER if micros % _PER == 0 else _exact(micros)


#: |scaled - nearest integer| below which that integer is certainly the rounded value: the
#: product's error is at most |scaled| * 2**-53, under 2.4e-7 within :data:`_BOUND`.
_SAFE = 0.49999
_BOUND = 2.0**31
_SCALE = {2: 100.0, 4: 10_000.0}


def _round(value: float, places: int) -> float:
    """``round(value, places)``, the same float, cheaper (``round`` with places formats
    the decimal digits). When ``value * 10**places`` is not within 1e-5 of a half, its
    nearest integer ``n`` is the rounded decimal, and ``n / 10**places`` (a correctly
    rounded division) is the float nearest to it, which is what ``round`` returns. Halves,
    huge values and results of zero (whose sign ``round`` keeps) take ``round`` itself."""
    scale = _SCALE[places]
    scaled = value * scale
    if -_BOUND < scaled < _BOUND:
        near = round(scaled)
        if near and -_SAFE < scaled - near < _SAFE:
            return near / scale
    return round(value, places)


def _rate(num: float, den: float, places: int) -> float:
    """``round(num / den, places)``; 0.0 when ``den`` is 0."""
    if not den:
        return 0.0
    value = num / den
    return _round(value, places) if value else value


def network(m: Sequence[int]) -> dict[str, Any]:
    """The network's metrics. Rates: ``round(num * 100 / den, 2)`` percent and
    ``round(money / 10**6 / den, 4)`` per unit, 0.0 when ``den`` is 0 (inlined
    :func:`_rate`: this runs once per table row)."""
    (total, unique, invalid, cv, event, invalid_cv, pending_cv) = m[:7]
    (payout, revenue, sales, pending_payout, pending_revenue, imp) = m[7:13]
    per = _PER
    profit = revenue - payout
    cvr = evr = epc = rpc = cpa = rpa = avg_sale = margin = ctr = cpm = rpm = 0.0
    if imp:
        ctr = _rate(total * 100, imp, 2)
        cpm = _rate(payout * 1000 / per, imp, 4)
        rpm = _rate(revenue * 1000 / per, imp, 4)
    if total:
        cvr = cv * 100 / total
        cvr = _round(cvr, 2) if cvr else cvr
        evr = event * 100 / total
        evr = _round(evr, 2) if evr else evr
        epc = payout / per / total
        epc = _round(epc, 4) if epc else epc
        rpc = revenue / per / total
        rpc = _round(rpc, 4) if rpc else rpc
    if cv:
        cpa = payout / per / cv
        cpa = _round(cpa, 4) if cpa else cpa
        rpa = revenue / per / cv
        rpa = _round(rpa, 4) if rpa else rpa
        avg_sale = sales / per / cv
        avg_sale = _round(avg_sale, 4) if avg_sale else avg_sale
    if revenue:
        margin = profit * 100 / revenue
        margin = _round(margin, 2) if margin else margin
    return {
        "imp": imp,
        "total_click": total,
        "unique_click": unique,
        "invalid_click": invalid,
        "duplicate_click": total - unique,
        "gross_click": total + invalid,
        "ctr": ctr,
        "cv": cv,
        "invalid_cv_scrub": invalid_cv,
        "view_through_cv": 0,
        "total_cv": cv,
        "event": event,
        "cvr": cvr,
        "evr": evr,
        "cpc": epc,
        "cpm": cpm,
        "cpa": cpa,
        "epc": epc,
        "rpc": rpc,
        "rpa": rpa,
        "rpm": rpm,
        "payout": payout // per if payout % per == 0 else _exact(payout),
        "revenue": revenue // per if revenue % per == 0 else _exact(revenue),
        "gross_sales": sales // per if sales % per == 0 else _exact(sales),
        "profit": profit // per if profit % per == 0 else _exact(profit),
        "margin": margin,
        "avg_sale_value": avg_sale,
        "on_hold_conversion_count": pending_cv,
        "on_hold_potential_payout": _money(pending_payout),
        "on_hold_potential_revenue": _money(pending_revenue),
    }


def affiliate(m: Sequence[int]) -> dict[str, Any]:
    """The affiliate realm's metrics: what the affiliate earns (``payout``) and its earnings
    per click (``epc``). No key named revenue, profit or margin appears at all, so the
    network's money can never leak through a field an affiliate reads as its own."""
    (total, unique, invalid, cv, event) = m[:5]
    earnings = m[7]
    imp = m[12]
    return {
        "imp": imp,
        "total_click": total,
        "unique_click": unique,
        "invalid_click": invalid,
        "duplicate_click": total - unique,
        "ctr": _rate(total * 100, imp, 2),
        "cv": cv,
        "view_through_cv": 0,
        "event": event,
        "cvr": _rate(cv * 100, total, 2),
        "evr": _rate(event * 100, total, 2),
        "epc": _rate(earnings / 1_000_000, total, 4),
        "payout": _money(earnings),
        "on_hold_conversion_count": m[6],
        "on_hold_potential_payout": _money(m[10]),
    }
