"""Which rows a value report with many values can show (ADR 0046, 0047).

A report on sub1..sub5, source_id or city over a long range can have far more values than
its row cap (180,000 click ids in sub1 over 90 days). Its statement then sums all twelve
metrics only for the values that can be among its first rows:

* **Solo rows** (ADR 0047). Most such values live on one UTC day: the coarse ``values``
  cube marks them (``solo``) and an index lists each bucket's solo rows in report order.
  A value read only from solo rows has one row in the whole report, so its row is its
  group: the first ``limit + 1`` of each bucket are read in index order and merged, and the
  rest are never touched.
* **Grouped values**: the values of every other row the report reads (recurring values,
  the empty value, ``(other)``, hour rows) are ranked on two narrow sums first
  (:func:`candidates`), then summed in full.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    BigInteger,
    Double,
    String,
    and_,
    any_,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models.rollup import BLOCK, ENTITY_VALUES, GRAINS, METRICS, SOLO_GRAINS, TABLES
from clicktrail.report.reads import Part, label, text_order, where
from clicktrail.report.timeplan import DAY, merge_ranges

#: Keeps the rows of a value column whose value can be among a report's first rows.
ValueFilter = Callable[[Any], Any]
#: The condition on a rollup table's rows that a part reads.
RowFilter = Callable[[Any], Any]

#: Most buckets whose solo rows a report merges (one index range each); a report with more
#: ranks every value instead.
MAX_SOLO_BUCKETS = 40
#: Most values of other rows (grouped in full) a report lists next to its solo rows; a
#: report with more (many recurring values) ranks every value instead.
MAX_GROUPED = 5000


def candidates(
    parts: Sequence[Part], keys: Sequence[str], limit: int, postgres: bool
) -> ValueFilter:
    """A filter keeping the values whose groups can be among a report's first ``limit + 1`` rows,
    found from two narrow sums per group (clicks, conversions) instead of all twelve.

    Rows are ordered by time bucket, clicks, conversions, then the keys, and rows whose
    twelve sums are all zero are dropped. A group whose clicks or conversions are not zero
    is kept for sure, so the first ``limit + 1`` such groups in that order are candidates;
    a group with both zero might still have another sum (pending conversions) and rank
    anywhere, so every such group is a candidate too, and so is the empty value, which
    parts of fixed value add to. PostgreSQL sums the two as float8 (exact for integers
    below 2**53) because its bigint SUM keeps a numeric state per group (ADR 0046)."""
    narrow = []
    for part in parts:
        if part.value != "column":
            continue
        table = TABLES[(part.cube, part.grain)]
        clicks: Any = table.c.total_click + table.c.invalid_click
        cvs: Any = table.c.cv
        if postgres:
            clicks, cvs = cast(clicks, Double()), cast(cvs, Double())
        if part.sign == -1:
            clicks, cvs = -clicks, -cvs
        columns = [
            cast(label(part, table.c.bucket), BigInteger()).label("tb"),
            *[table.c[k].label(k) for k in (*keys, "value")],
            clicks.label("c"),
            cvs.label("v"),
        ]
        narrow.append(where(select(*columns), part, table))
    rows = union_all(*narrow).subquery("n")
    names = [rows.c.tb, *[rows.c[k] for k in (*keys, "value")]]
    groups = (
        select(*names, func.sum(rows.c.c).label("c"), func.sum(rows.c.v).label("v"))
        .group_by(*names)
        .cte("g")
    )
    g = groups.c
    order = [g.tb, g.c.desc(), g.v.desc(), *[text_order(g[k], postgres) for k in (*keys, "value")]]
    first = (
        select(g.value)
        .where(or_(g.c != 0, g.v != 0))
        .order_by(*order)
        .limit(limit + 1)
        .subquery("f")
    )
    zero = select(g.value).where(and_(g.c == 0, g.v == 0))
    # The empty value also comes from parts read in full (after the compaction mark).
    empty = select(cast(literal(""), String()).label("value"))
    cand = union_all(select(first.c.value), zero, empty).cte("cand")
    return lambda column: column.in_(select(cand.c.value))


async def many_values(session: AsyncSession, parts: Sequence[Part], limit: int) -> bool:
    """Whether a value report has so many more rows than ``limit`` that reading only its
    first rows pays for itself: the longest time bucket (block) it reads from the
    ``values`` cube holds more than twice ``limit`` rows (one per value, each its own table
    row), or from a cube of values by entity more than four times (one per entity and value;
    an event id splits only event conversions' rows). Those reports are then served by
    the solo path, or by the narrow first pass, which reads every row twice and lost to
    grouping them once on offer x sub2 (25,500 groups: 491 vs 412 ms on SQLite) while it
    won on offer x sub1 (180,000: 372 vs 469 ms). A friendly report (20 values per
    affiliate) skips both. One index-only count."""
    longest: tuple[int, Part, int] | None = None
    for part in parts:
        if part.value != "column" or (part.cube != "values" and part.cube not in ENTITY_VALUES):
            continue
        for lo, hi, _ in part.labels:
            span = hi - lo if part.grain == BLOCK else GRAINS[part.grain]
            if longest is None or span > longest[0]:
                longest = (span, part, lo)
    if longest is None:
        return False
    span, part, start = longest
    table = TABLES[(part.cube, part.grain)]
    stmt = select(func.count()).where(table.c.dim == part.dim, table.c.bucket == start)
    if part.grain == BLOCK:
        stmt = stmt.where(table.c.days == span // DAY)
    for key, allowed in part.filters.items():
        stmt = stmt.where(table.c[key].in_(list(allowed)))
    factor = 2 if part.cube == "values" else 4
    return int((await session.execute(stmt)).scalar() or 0) > factor * limit


def _solo_part(part: Part) -> bool:
    """Rows this part reads may be solo: the coarse ``values`` cube's day or block rows,
    added (a subtracted read's values are grouped)."""
    return (
        part.value == "column"
        and part.cube == "values"
        and part.grain in SOLO_GRAINS
        and part.sign == 1
    )


def _solo_buckets(part: Part) -> list[tuple[int, int]]:
    """(bucket, days) of each row set of a solo part: a block, or one day (adjacent days
    of one label arrive as one range)."""
    if part.grain == BLOCK:
        return [(lo, (hi - lo) // DAY) for lo, hi, _ in part.labels]
    return [(day, 1) for lo, hi, _ in part.labels for day in range(lo, hi, DAY)]


def solo_label(parts: Sequence[Part]) -> int | None:
    """The one time bucket of a report the solo path serves: some parts read solo rows, in
    at most :data:`MAX_SOLO_BUCKETS` buckets, and every value row lands on the same output
    row bucket (no time column). None otherwise."""
    reads = [p for p in parts if p.value == "column"]
    labels = {lab for p in reads for _, _, lab in p.labels}
    if len(labels) != 1 or any(p.hour_of_day is not None for p in reads):
        return None
    buckets = sum(len(_solo_buckets(p)) for p in reads if _solo_part(p))
    return labels.pop() if 0 < buckets <= MAX_SOLO_BUCKETS else None


async def grouped_values(session: AsyncSession, parts: Sequence[Part]) -> list[str] | None:
    """The values of every row read that is not solo (recurring values, the empty value,
    ``(other)``, hour rows), or None when there are more than :data:`MAX_GROUPED`. A value
    with a solo row has no other solo row anywhere (compaction marks one day at most), so
    a value outside this list is read from exactly one row: its row is its group."""
    selects = []
    for part in parts:
        if part.value != "column":
            continue
        table = TABLES[(part.cube, part.grain)]
        stmt = where(select(table.c.value.label("value")), part, table)
        if _solo_part(part):
            stmt = stmt.where(table.c.solo == literal_column("0"))
        selects.append(stmt)
    # Rows, not distinct values, with a cap: the engine stops reading at the cap instead of
    # grouping every row of a report whose values mostly recur (then ranked as before).
    cap = MAX_GROUPED * len(selects)
    rows = union_all(*selects).subquery("multi")
    found = list((await session.execute(select(rows.c.value).limit(cap + 1))).scalars())
    values = sorted({str(v) for v in found})
    return None if len(found) > cap or len(values) > MAX_GROUPED else values


@dataclass(frozen=True)
class Read:
    """A part read with a condition on its table's rows (value-column parts only)."""

    part: Part
    only: RowFilter | None = None


async def solo_grouped(
    session: AsyncSession, parts: Sequence[Part], values: Sequence[str]
) -> tuple[list[str], set[int]]:
    """Which grouped ``values`` have a solo row where a solo part reads, and on which days:
    those with a solo day row on a day those parts cover (a solo block row sums one solo
    day row). A value is grouped for its other rows, which are not solo, so these are
    usually none; a report in a zone behind UTC reads a whole UTC day and subtracts its
    first hours, whose values are grouped and solo on that day, and a late write can give
    a solo value a second day (ADR 0047). One index probe per value."""
    solo = [p for p in parts if _solo_part(p)]
    if not solo or not values:
        return [], set()
    days = merge_ranges([(lo, hi) for p in solo for lo, hi, _ in p.labels])
    table = TABLES[("values", "day")]
    c = table.c
    # One probe of the (dim, value) index per value: the day and the flag are tested on
    # what it finds, not ranged over (PostgreSQL scanned 180,000 solo rows of the range).
    day = _unindexed_int(c.bucket)
    stmt = select(c.value, c.bucket).where(
        c.dim == solo[0].dim,
        listed(values, session.get_bind().dialect.name == "postgresql")(c.value),
        _unindexed_int(c.solo) == 1,
        or_(*[and_(day >= lo, day < hi) for lo, hi in days]),
    )
    rows = (await session.execute(stmt)).all()
    return sorted({str(v) for v, _ in rows}), {int(b) for _, b in rows}


def by_value(parts: Sequence[Part], only: ValueFilter) -> list[Read]:
    """Each part with a filter keeping the rows of values ``only`` accepts. By value alone:
    a group outside the candidates that shares a candidate's value is read in full too, so
    every group read has its exact sums."""
    return [Read(p, lambda t: only(t.c.value)) for p in parts]


def _unindexed_int(column: Any) -> Any:
    """An integer ``column`` as an expression no index serves (see :func:`_unindexed`)."""
    return column + literal_column("0")


def _label_of(part: Part, bucket: int, days: int) -> tuple[int, int, int]:
    """The label range of one block or day of ``part``."""
    end = bucket + days * DAY
    label = next(lab for lo, hi, lab in part.labels if lo <= bucket < hi)
    return (bucket, end, label)


def _holding(part: Part, days: set[int]) -> list[tuple[int, int, int]]:
    """The labels of ``part`` that hold one of ``days``: whole blocks, single days."""
    if part.grain == BLOCK:
        return [lab for lab in part.labels if any(lab[0] <= d < lab[1] for d in days)]
    return [(d, d + DAY, lab) for lo, hi, lab in part.labels for d in sorted(days) if lo <= d < hi]


def _unindexed(column: Any) -> Any:
    """``column`` as an expression no index serves: the planner then reads the condition's
    other columns from an index (left to itself, SQLite probed the primary key once per
    listed value, and PostgreSQL scanned the whole table for an OR of blocks)."""
    return column.concat(literal(""))


def grouped_reads(
    parts: Sequence[Part], grouped: ValueFilter, rare: ValueFilter | None, days: set[int]
) -> list[Read]:
    """The reads of the grouped values' rows (whose solo rows :func:`solo_rows` merges
    apart): every row of those values. A solo part's are read in two: its rows that are not
    solo, one range of its solo index however many values are grouped (instead of looking
    each grouped value up in each block), and, only in the blocks and days holding one of
    ``days``, the solo rows of the grouped values that have some (``rare``:
    :func:`solo_grouped`; None when there are none)."""
    reads: list[Read] = []
    for part in parts:
        if not _solo_part(part):
            reads += by_value([part], grouped)
            continue
        for bucket, n in _solo_buckets(part):
            one = replace(part, labels=[_label_of(part, bucket, n)])
            reads.append(
                Read(
                    one,
                    lambda t: and_(t.c.solo == literal_column("0"), grouped(_unindexed(t.c.value))),
                )
            )
        holding = _holding(part, days) if rare is not None else []
        if rare is not None and holding:
            reads.append(
                Read(
                    replace(part, labels=holding),
                    lambda t: and_(t.c.solo == literal_column("1"), rare(t.c.value)),
                )
            )
    return reads


def listed(values: Sequence[str], postgres: bool) -> ValueFilter:
    """A filter accepting ``values``, passed as ONE parameter however many they are (a
    PostgreSQL array, a JSON array SQLite unpacks) and built once: a statement applies it
    in every part, and both engines then know the list's length when they plan."""
    if postgres:
        array = bindparam(None, list(values), type_=ARRAY(String()))
        return lambda column: column == any_(array)
    items = func.json_each(bindparam(None, json.dumps(list(values)), type_=String()))
    table = items.table_valued("value")
    return lambda column: column.in_(select(table.c.value))


def solo_rows(
    parts: Sequence[Part],
    keys: Sequence[str],
    limit: int,
    grouped: ValueFilter,
    tb: int,
    postgres: bool,
) -> Any:
    """The first ``limit + 1`` solo rows in report order among values ``grouped`` rejects,
    as (tb, *keys, value, *METRICS): each bucket's solo rows come from the solo index in
    that order and are merged, so only about ``limit + 1`` rows are read in all.

    SQLite merges a compound SELECT whose arms follow its ORDER BY; PostgreSQL merges
    (Merge Append) arms that are each ordered and limited subqueries, and sorts plain arms
    in full instead."""
    names = (*keys, "value")
    arms = []
    for part in parts:
        if not _solo_part(part):
            continue
        table = TABLES[(part.cube, part.grain)]
        c = table.c
        rank = c.total_click + c.invalid_click
        for bucket, days in _solo_buckets(part):
            conditions = [
                c.dim == part.dim,
                c.bucket == bucket,
                # A literal 1: the index's ``solo`` column, not a parameter.
                c.solo == literal_column("1"),
                or_(*[c[m] != 0 for m in METRICS]),
                ~grouped(c.value),
            ]
            if part.grain == BLOCK:
                conditions.append(c.days == days)
            for key, allowed in part.filters.items():
                conditions.append(c[key].in_(list(allowed)))
            named = [c[k].label(k) for k in names]
            arm = select(rank.label("rank"), *named, *[c[m] for m in METRICS]).where(*conditions)
            if postgres:
                ordered = arm.order_by(
                    rank.desc(), c.cv.desc(), *[text_order(c[k], postgres) for k in names]
                )
                arm = select(ordered.limit(limit + 1).subquery())
            arms.append(arm)
    if postgres:
        merged = union_all(*arms).subquery("arms")
        m = merged.c
        first = (
            select(merged)
            .order_by(m.rank.desc(), m.cv.desc(), *[text_order(m[k], True) for k in names])
            .limit(limit + 1)
            .subquery("solo")
        )
    else:
        compound = union_all(*arms)
        cols = compound.selected_columns
        first = (
            compound.order_by(cols.rank.desc(), cols.cv.desc(), *[cols[k] for k in names])
            .limit(limit + 1)
            .subquery("solo")
        )
    return select(
        cast(literal(tb), BigInteger()).label("tb"),
        *[first.c[k] for k in names],
        *[first.c[m] for m in METRICS],
    )
