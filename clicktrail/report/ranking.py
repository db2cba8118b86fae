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
  the empty value, ``(other)``, hour rows) are listed (:func:`grouped_values`) and summed
  in full (:mod:`clicktrail.report.grouped` reads their rows).
* **Narrow first pass** (ADR 0046): a report the solo path cannot serve ranks its groups on
  two narrow sums first (:func:`candidates`), then sums the first of them in full.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
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

from clicktrail.models.rollup import BLOCK, ENTITY_VALUES, GRAINS, SOLO_GRAINS, STORED, TABLES
from clicktrail.report.reads import Part, label, text_order, where
from clicktrail.report.timeplan import DAY

#: Keeps the rows of a value column whose value can be among a report's first rows.
ValueFilter = Callable[[Any], Any]

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
    the solo path, or by the narrow first pass, which reads every row twice: it lost to
    grouping them once on offer x sub2 (25,500 groups) and won on offer x sub1 (180,000;
    docs/benchmarks.md). A friendly report (20 values per
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


def solo_part(part: Part) -> bool:
    """Rows this part reads may be solo: the coarse ``values`` cube's day or block rows,
    added (a subtracted read's values are grouped)."""
    return (
        part.value == "column"
        and part.cube == "values"
        and part.grain in SOLO_GRAINS
        and part.sign == 1
    )


def solo_buckets(part: Part) -> list[tuple[int, int]]:
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
    buckets = sum(len(solo_buckets(p)) for p in reads if solo_part(p))
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
        if solo_part(part):
            stmt = stmt.where(table.c.solo == literal_column("0"))
        selects.append(stmt)
    # Rows, not distinct values, with a cap: the engine stops reading at the cap instead of
    # grouping every row of a report whose values mostly recur (then ranked as before).
    cap = MAX_GROUPED * len(selects)
    rows = union_all(*selects).subquery("multi")
    found = list((await session.execute(select(rows.c.value).limit(cap + 1))).scalars())
    values = sorted({str(v) for v in found})
    return None if len(found) > cap or len(values) > MAX_GROUPED else values


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
    as (tb, *keys, value, *STORED): each bucket's solo rows come from the solo index in
    that order and are merged, so only about ``limit + 1`` rows are read in all.

    SQLite merges a compound SELECT whose arms follow its ORDER BY; PostgreSQL merges
    (Merge Append) arms that are each ordered and limited subqueries, and sorts plain arms
    in full instead."""
    names = (*keys, "value")
    arms = []
    for part in parts:
        if not solo_part(part):
            continue
        table = TABLES[(part.cube, part.grain)]
        c = table.c
        rank = c.total_click + c.invalid_click
        for bucket, days in solo_buckets(part):
            conditions = [
                c.dim == part.dim,
                c.bucket == bucket,
                # A literal 1: the index's ``solo`` column, not a parameter.
                c.solo == literal_column("1"),
                # A row's money is 0 when its metric and carry both are (ADR 0078).
                or_(*[c[m] != 0 for m in STORED]),
                ~grouped(c.value),
            ]
            if part.grain == BLOCK:
                conditions.append(c.days == days)
            for key, allowed in part.filters.items():
                conditions.append(c[key].in_(list(allowed)))
            named = [c[k].label(k) for k in names]
            arm = select(rank.label("rank"), *named, *[c[m] for m in STORED]).where(*conditions)
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
        *[first.c[m] for m in STORED],
    )
