"""Rollup money that cannot overflow: each money metric is two BIGINT columns (ADR 0078).

A rollup row keeps a money metric in micro-units as the metric column, held in
[0, :data:`MODULUS`), and its carry column (``<metric>_carry``), the number of whole
:data:`MODULUS` beyond it: the row's value is ``carry * MODULUS + metric``, exact and
unbounded in practice (a carry reaches 2**63 after 9.2 * 10**21 units).

* Writers split every delta the same way (:func:`spread`, floor division, so a negative
  delta has a negative carry) and the upsert adds both columns, moving a whole
  :data:`MODULUS` from the metric into the carry when their sum reaches it
  (:func:`add_sql`): the metric never passes ``2 * MODULUS`` on the way.
* Compaction sums the two columns apart and brings the sum back into the same form
  (:func:`sum_sql`), so its rows equal what a writer would have built.
* Reports sum the two columns apart and join them in Python integers (:func:`fold`).
  Neither sum can overflow: the metrics' sum needs 9.2 * 10**9 rows to reach 2**63, the
  carries' sum 9.2 * 10**21 units of money.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, literal_column, or_

from clicktrail.models.rollup import CARRY, METRICS

#: Micro-units a metric column holds below its carry: 1,000 units of money.
MODULUS = 10**9

_M: ColumnElement[Any] = literal_column(str(MODULUS))
#: Positions of the money metrics in :data:`METRICS`, in :data:`CARRY` order.
_MONEY_AT = tuple(METRICS.index(m) for m in CARRY)
_WIDTH = len(METRICS)


def split(value: int) -> tuple[int, int]:
    """(metric, carry) of a value in micro-units: the metric in [0, MODULUS)."""
    carry, rest = divmod(value, MODULUS)
    return rest, carry


def join(metric: int, carry: int) -> int:
    """The value in micro-units of a metric and its carry."""
    return carry * MODULUS + metric


def write_columns(metrics: Sequence[str]) -> list[str]:
    """The columns a write of ``metrics`` sets: each money metric followed by its carry."""
    out: list[str] = []
    for m in metrics:
        out.append(m)
        if m in CARRY:
            out.append(CARRY[m])
    return out


def money_mask(metrics: Sequence[str]) -> tuple[bool, ...]:
    """Which of ``metrics`` are money (for :func:`spread`)."""
    return tuple(m in CARRY for m in metrics)


def spread(deltas: Sequence[int], mask: Sequence[bool]) -> list[int]:
    """Deltas in :func:`write_columns` order: each money delta as (metric, carry)."""
    out: list[int] = []
    for delta, money in zip(deltas, mask, strict=True):
        if money and delta:
            carry, rest = divmod(delta, MODULUS)
            out += (rest, carry)
        elif money:
            out += (0, 0)
        else:
            out.append(delta)
    return out


def fold(sums: Sequence[Any]) -> tuple[int, ...]:
    """Sums in ``STORED`` order (metrics, then carries) as the metrics' values (a sum
    over no rows, NULL, as 0)."""
    head = sums[:_WIDTH]
    if None not in head and not any(sums[_WIDTH:]):
        return tuple(head)
    values = [int(v or 0) for v in head]
    for i, at in enumerate(_MONEY_AT):
        carry = sums[_WIDTH + i]
        if carry:
            values[at] += int(carry) * MODULUS
    return tuple(values)


def add_sql(table: str, metric: str) -> str:
    """``ON CONFLICT DO UPDATE`` assignments adding ``excluded``'s ``metric`` onto
    ``table``'s row. Both metric columns lie in [0, MODULUS), so their sum is not negative
    and SQL's truncating ``/`` and ``%`` are floor division on both engines."""
    if metric not in CARRY:
        return f"{metric} = {table}.{metric} + excluded.{metric}"
    carry = CARRY[metric]
    total = f"({table}.{metric} + excluded.{metric})"
    return (
        f"{metric} = {total} % {MODULUS}, "
        f"{carry} = {table}.{carry} + excluded.{carry} + {total} / {MODULUS}"
    )


def _floor_mod(value: str) -> str:
    return f"((({value}) % {MODULUS}) + {MODULUS}) % {MODULUS}"


def sum_sql(metric: str) -> str:
    """Select-list expressions summing ``metric`` over a group, in :func:`write_columns`
    order: a money metric's sum back in [0, MODULUS) and its carry (a sum may be negative:
    SQL's ``%`` keeps the dividend's sign, so the remainder is made a floor one). The
    metrics' sum is cast back from PostgreSQL's NUMERIC so ``/`` divides integers."""
    if metric not in CARRY:
        return f"SUM({metric})"
    total = f"CAST(SUM({metric}) AS BIGINT)"
    carry = f"CAST(SUM({CARRY[metric]}) AS BIGINT)"
    rest = _floor_mod(total)
    return f"{rest}, {carry} + ({total} - {rest}) / {MODULUS}"


def nonzero_sql(metric: str) -> str:
    """Whether ``metric`` summed over a group is not zero (an SQL condition)."""
    if metric not in CARRY:
        return f"SUM({metric}) <> 0"
    total = f"CAST(SUM({metric}) AS BIGINT)"
    carry = f"CAST(SUM({CARRY[metric]}) AS BIGINT)"
    rest = _floor_mod(total)
    return f"{rest} <> 0 OR {carry} + ({total} - {rest}) / {MODULUS} <> 0"


def nonzero(sums: Mapping[str, ColumnElement[Any]]) -> ColumnElement[bool]:
    """Whether any metric summed over a group is not zero, given each ``STORED`` column's
    integer sum. A money value ``c * MODULUS + s`` is zero exactly when ``s % MODULUS`` and
    ``c + s / MODULUS`` both are (truncating ``/`` and ``%``: the remainder lies strictly
    between -MODULUS and MODULUS)."""
    tests: list[ColumnElement[bool]] = []
    for m in METRICS:
        total = sums[m]
        if m in CARRY:
            tests.append(total.op("%")(_M) != 0)
            tests.append((sums[CARRY[m]] + total.op("/")(_M)) != 0)
        else:
            tests.append(total != 0)
    return or_(*tests)
