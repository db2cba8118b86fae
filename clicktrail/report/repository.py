"""Every query of the aggregated reports: sums over rollup cubes and the names for labels."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Double,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    or_,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Advertiser, Affiliate, Network, Offer, OfferPayoutRevenue
from clicktrail.models.rollup import BLOCK, GRAINS, METRICS, TABLES
from clicktrail.report.compaction import day_complete_before
from clicktrail.report.timeplan import DAY, merge_ranges

__all__ = ["Part", "day_complete_before", "names", "network_settings", "report_rows"]


@dataclass
class Part:
    """One signed read of a cube at one grain, feeding the report's single SQL statement.

    ``labels`` maps bucket ranges [lo, hi) to the output time bucket; ``hour_of_day``
    instead gives (lo, hi, utc_offset_seconds) segments whose label is the local hour.
    ``value``: None = no value column; "column" = the table's value; else a fixed value.
    """

    cube: str
    grain: str
    sign: int
    keys: Sequence[str]
    filters: Mapping[str, Collection[Any]]
    dim: str | None
    value: str | None
    labels: Sequence[tuple[int, int, int]]
    hour_of_day: Sequence[tuple[int, int, int]] | None = None


#: PostgreSQL ``work_mem`` while a report runs: a 180,000-value hostile sub1 report groups
#: and sorts in memory instead of spilling to disk.
WORK_MEM = "64MB"

#: Most buckets a part lists one by one instead of testing ranges.
_LISTED = 2000

#: Ranges tested one after another at a leaf of :func:`_range_case`.
_LEAF = 4


def _range_case(
    bucket: ColumnElement[Any], ranges: Sequence[tuple[int, int, ColumnElement[Any] | int]]
) -> ColumnElement[Any]:
    """``ranges`` (sorted, disjoint [lo, hi) -> label) as a CASE that bisects on the bucket:
    about log2(n) comparisons per row instead of n/2 (a 90-day report has 90 ranges)."""
    if len(ranges) <= _LEAF:
        return case(*[(and_(bucket >= lo, bucket < hi), lab) for lo, hi, lab in ranges], else_=-1)
    mid = len(ranges) // 2
    return case(
        (bucket < ranges[mid][0], _range_case(bucket, ranges[:mid])),
        else_=_range_case(bucket, ranges[mid:]),
    )


def _window(part: Part, bucket: ColumnElement[Any]) -> ColumnElement[bool]:
    """The part's rows: bucket ranges, or for the block grain the exact blocks (a block's
    label range is the block itself; ``days`` tells blocks of one start apart)."""
    if part.grain != BLOCK:
        ranges = merge_ranges([(lo, hi) for lo, hi, _ in part.labels])
        step = GRAINS[part.grain]
        if len(ranges) > 1 and sum(hi - lo for lo, hi in ranges) <= _LISTED * step:
            # Scattered hours (a non-UTC day's edges): list them, one index probe each; an
            # OR of ranges made SQLite scan the whole table.
            return bucket.in_([b for lo, hi in ranges for b in range(lo, hi, step)])
        return or_(*[and_(bucket >= lo, bucket < hi) for lo, hi in ranges])
    table = TABLES[(part.cube, part.grain)]
    starts: dict[int, list[int]] = {}
    for lo, hi, _ in part.labels:
        starts.setdefault((hi - lo) // DAY, []).append(lo)
    if len(starts) == 1:
        [(n, first)] = starts.items()
        return and_(table.c.days == n, bucket.in_(first))
    return or_(*[and_(table.c.days == n, bucket.in_(s)) for n, s in sorted(starts.items())])


def _where(stmt: Any, part: Part, table: Any) -> Any:
    if part.dim is not None:
        stmt = stmt.where(table.c.dim == part.dim)
    stmt = stmt.where(_window(part, table.c.bucket))
    for key, allowed in part.filters.items():
        stmt = stmt.where(table.c[key].in_(list(allowed)))
    return stmt


def _label(part: Part, bucket: ColumnElement[Any]) -> ColumnElement[Any]:
    """The output time bucket of a row (or its local hour of day)."""
    if part.hour_of_day is not None:
        return _range_case(
            bucket,
            sorted((lo, hi, (bucket + off) // 3600 % 24) for lo, hi, off in part.hour_of_day),
        )
    if len({lab for _, _, lab in part.labels}) == 1:
        return literal(part.labels[0][2], Integer())
    return _range_case(bucket, sorted(part.labels))


def _part_select(part: Part, keys: Sequence[str], with_value: bool, only: Any | None = None) -> Any:
    """The part's rows as (tb, *keys, [value,] *METRICS), metrics times the part's sign.

    A part is grouped on its own first (its rows collapse: hours into days, entities into
    an offer), except a read of the value column at day or block grain: its rows are
    nearly all distinct already (a hostile sub1 has 2,000 new values a day), and grouping
    them twice doubled the report's cost. ``only`` (value-column parts): keep the rows of
    these candidate groups only (:func:`_candidates`)."""
    table = TABLES[(part.cube, part.grain)]
    label = _label(part, table.c.bucket)
    grouped = not (part.value == "column" and part.grain != "hour")
    group: list[Any] = [label, *[table.c[k] for k in keys]]
    columns: list[Any] = [cast(label, BigInteger()).label("tb")]
    columns += [table.c[k].label(k) for k in keys]
    if with_value:
        if part.value == "column":
            group.append(table.c.value)
            columns.append(table.c.value.label("value"))
        else:
            columns.append(cast(literal(part.value or ""), String()).label("value"))
    if grouped:
        # SUM(bigint) is NUMERIC on PostgreSQL: cast back, integers add and decode faster.
        columns += [cast(func.sum(table.c[m]) * part.sign, BigInteger()).label(m) for m in METRICS]
    elif part.sign == 1:
        columns += [table.c[m].label(m) for m in METRICS]
    else:
        columns += [(-table.c[m]).label(m) for m in METRICS]
    stmt = _where(select(*columns), part, table)
    if only is not None and part.value == "column":
        # By value alone: a group outside the candidates that shares a candidate's value
        # is read in full too, so every group read has its exact sums.
        stmt = stmt.where(table.c.value.in_(select(only.c.value)))
    return stmt.group_by(*group) if grouped else stmt


def _candidates(parts: Sequence[Part], keys: Sequence[str], limit: int, postgres: bool) -> Any:
    """The values whose groups can be among a value report's first ``limit + 1`` rows,
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
            cast(_label(part, table.c.bucket), BigInteger()).label("tb"),
            *[table.c[k].label(k) for k in (*keys, "value")],
            clicks.label("c"),
            cvs.label("v"),
        ]
        narrow.append(_where(select(*columns), part, table))
    rows = union_all(*narrow).subquery("n")
    names = [rows.c.tb, *[rows.c[k] for k in (*keys, "value")]]
    groups = (
        select(*names, func.sum(rows.c.c).label("c"), func.sum(rows.c.v).label("v"))
        .group_by(*names)
        .cte("g")
    )
    g = groups.c
    order = [g.tb, g.c.desc(), g.v.desc(), *[_text_order(g[k], postgres) for k in (*keys, "value")]]
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
    return union_all(select(first.c.value), zero, empty).cte("cand")


def _totals(parts: Sequence[Part]) -> Any:
    """One row: each metric summed over ``parts`` (no grouping)."""
    selects = []
    for part in parts:
        table = TABLES[(part.cube, part.grain)]
        sums = [cast(func.sum(table.c[m]) * part.sign, BigInteger()).label(m) for m in METRICS]
        selects.append(_where(select(*sums), part, table))
    if not selects:
        return select(*[cast(literal(0), BigInteger()).label(f"t_{m}") for m in METRICS])
    union = union_all(*selects).subquery("tp") if len(selects) > 1 else selects[0].subquery("tp")
    return select(*[cast(func.sum(union.c[m]), BigInteger()).label(f"t_{m}") for m in METRICS])


def _text_order(column: Any, postgres: bool) -> Any:
    """Text keys sort by code point on both engines (SQLite's order; PostgreSQL's
    database collation compared 180,000 sub1 values through strcoll)."""
    if postgres and isinstance(column.type, String):
        return column.collate("C")
    return column


def _order(source: Any, total: Any, invalid: Any, cv: Any, keys: Sequence[Any]) -> list[Any]:
    """Time bucket, then most clicks, most conversions, then the keys (a total order)."""
    return [source.c.tb, (total + invalid).desc(), cv.desc(), *keys]


def _by_length(parts: Sequence[Part]) -> list[Part]:
    """SQLite: one part per block length, ``days = n AND bucket IN (...)`` being one index
    range (over an OR of lengths SQLite collected and sorted row ids first, 1.5x slower).
    PostgreSQL combines the OR with bitmaps and does better with fewer parts."""
    out: list[Part] = []
    for part in parts:
        lengths = sorted({hi - lo for lo, hi, _ in part.labels})
        if part.grain != BLOCK or len(lengths) < 2:
            out.append(part)
            continue
        for n in lengths:
            labels = [lab for lab in part.labels if lab[1] - lab[0] == n]
            out.append(replace(part, labels=labels))
    return out


async def _many_values(session: AsyncSession, parts: Sequence[Part], limit: int) -> bool:
    """Whether a value report certainly has more than twice ``limit`` rows: the longest time
    bucket (block) it reads from the ``values`` cube alone holds that many values (one row
    per value there, all landing on distinct rows). Then the narrow first pass pays for
    itself; a friendly report (20 values per affiliate) skips it. One index-only count."""
    longest: tuple[int, Part, int] | None = None
    for part in parts:
        if part.value != "column" or part.cube != "values":
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
    return int((await session.execute(stmt)).scalar() or 0) > 2 * limit


async def report_rows(
    session: AsyncSession,
    parts: Sequence[Part],
    total_parts: Sequence[Part],
    *,
    keys: Sequence[str],
    with_value: bool,
    limit: int | None,
) -> tuple[list[tuple[tuple[Any, ...], tuple[int, ...]]], list[int], bool]:
    """The report in one statement: rows of ((tb, *keys, [value]), METRICS sums) whose sums
    are not all zero, in report order, at most ``limit`` of them; the totals; whether rows
    were left out.

    The statement groups the parts' rows, keeps the first ``limit + 1`` groups (one more
    tells that the table is incomplete) and adds one row: the sums of ``total_parts`` (the
    same report without columns, read from the smallest cube that covers it). No window
    function runs over every group, and the totals see the same snapshot as the rows.
    A value report with many values first finds its candidate rows (:func:`_candidates`)."""
    if not parts:
        return [], [0] * len(METRICS), False
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        await _postgres_settings(session)
    else:
        parts, total_parts = _by_length(parts), _by_length(total_parts)
    only = None
    if with_value and limit is not None and await _many_values(session, parts, limit):
        only = _candidates(parts, keys, limit, postgres)
    union = union_all(*[_part_select(p, keys, with_value, only) for p in parts]).subquery("u")
    names = [*keys, "value"] if with_value else list(keys)
    group: list[Any] = [union.c.tb, *[union.c[k] for k in names]]
    sums = {m: cast(func.sum(union.c[m]), BigInteger()) for m in METRICS}
    top = (
        select(*group, *[s.label(m) for m, s in sums.items()])
        .group_by(*group)
        .having(or_(*[s != 0 for s in sums.values()]))
        .order_by(
            *_order(
                union,
                sums["total_click"],
                sums["invalid_click"],
                sums["cv"],
                [_text_order(union.c[k], postgres) for k in names],
            )
        )
    )
    if limit is not None:
        top = top.limit(limit + 1)
    ranked = top.subquery("top")
    totals = _totals(total_parts).subquery("tot")
    # The totals ride along as one more row, first in order: its time bucket -1 is below
    # every real one (bucket indexes and hours of day start at 0).
    total_row = select(
        cast(literal(-1), BigInteger()).label("tb"),
        *[cast(null(), ranked.c[k].type).label(k) for k in names],
        *[totals.c[f"t_{m}"].label(m) for m in METRICS],
    )
    both = union_all(select(ranked), total_row).subquery("r")
    c = both.c
    stmt = select(both).order_by(
        *_order(
            both, c.total_click, c.invalid_click, c.cv, [_text_order(c[k], postgres) for k in names]
        )
    )
    result = (await session.execute(stmt)).all()
    key_end = 1 + len(names)
    totals_row = [int(v or 0) for v in result[0][key_end:]]
    incomplete = limit is not None and len(result) > limit + 1
    # Slicing a plain tuple is four times faster than slicing a Row.
    stop = None if limit is None or not incomplete else limit + 1
    plain = [tuple(r) for r in result[1:stop]]
    return [(r[:key_end], r[key_end:]) for r in plain], totals_row, incomplete


async def _postgres_settings(session: AsyncSession) -> None:
    """For this transaction only (ADR 0046): no JIT (compiling the wide statement took
    longer than running it: 1.0 s for a 0.9 s date x country report); a plan for these
    parameters every time (from the sixth run of a prepared statement PostgreSQL may keep a
    generic plan, which took a hostile sub1 report from 0.5 to 1.2 s); room to group and
    sort in memory instead of spilling to disk."""
    await session.execute(
        text(
            "SELECT set_config('jit', 'off', true), "
            "set_config('plan_cache_mode', 'force_custom_plan', true), "
            f"set_config('work_mem', '{WORK_MEM}', true)"
        )
    )


async def names(session: AsyncSession, key: str, ids: Collection[int]) -> dict[int, str]:
    """Display names for offer/affiliate/advertiser/event ids (missing ids are left out)."""
    wanted = [i for i in ids if i]
    if not wanted:
        return {}
    if key == "offer_id":
        stmt = select(Offer.network_offer_id, Offer.name).where(Offer.network_offer_id.in_(wanted))
    elif key == "affiliate_id":
        stmt = select(Affiliate.network_affiliate_id, Affiliate.name).where(
            Affiliate.network_affiliate_id.in_(wanted)
        )
    elif key == "advertiser_id":
        stmt = select(Advertiser.network_advertiser_id, Advertiser.name).where(
            Advertiser.network_advertiser_id.in_(wanted)
        )
    elif key == "event_id":
        stmt = select(OfferPayoutRevenue.event_id, OfferPayoutRevenue.entry_name).where(
            OfferPayoutRevenue.event_id.in_(wanted)
        )
    else:
        return {}
    result = await session.execute(stmt)
    return {int(row[0]): str(row[1]) for row in result.all()}


async def network_settings(session: AsyncSession) -> tuple[int, str]:
    """The network's reporting timezone id and currency."""
    network = await session.get(Network, 1)
    if network is None:
        return 67, "USD"
    return network.timezone_id, network.currency_id
