"""Every query of the aggregated reports: sums over rollup cubes and the names for labels."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    BigInteger,
    String,
    cast,
    func,
    literal,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Advertiser, Affiliate, Network, Offer, OfferPayoutRevenue
from clicktrail.models.rollup import BLOCK, METRICS, STORED, TABLES
from clicktrail.report import carry, grouped, ranking
from clicktrail.report.compaction import day_complete_before
from clicktrail.report.reads import Part, label, text_order, where

__all__ = [
    "Part",
    "day_complete_before",
    "names",
    "network_settings",
    "report_rows",
    "snapshot",
]

#: PostgreSQL ``work_mem`` while a report runs: a 180,000-value hostile sub1 report groups
#: and sorts in memory instead of spilling to disk.
WORK_MEM = "64MB"


def _part_select(read: grouped.Read, keys: Sequence[str], with_value: bool) -> Any:
    """The part's rows as (tb, *keys, [value,] *STORED), metrics (and the money metrics'
    carries, ADR 0078) times the part's sign.

    A part is grouped on its own first (its rows collapse: hours into days, entities into
    an offer), except a read of the value column at day or block grain: its rows are
    nearly all distinct already (a hostile sub1 has 2,000 new values a day), and grouping
    them twice doubled the report's cost. ``read.only`` (value-column parts): keep only
    the rows it accepts (:mod:`clicktrail.report.grouped`)."""
    part, only = read.part, read.only
    table = TABLES[(part.cube, part.grain)]
    bucket = label(part, table.c.bucket)
    collapse = not (part.value == "column" and part.grain != "hour")
    group: list[Any] = [bucket, *[table.c[k] for k in keys]]
    columns: list[Any] = [cast(bucket, BigInteger()).label("tb")]
    columns += [table.c[k].label(k) for k in keys]
    if with_value:
        if part.value == "column":
            group.append(table.c.value)
            columns.append(table.c.value.label("value"))
        else:
            columns.append(cast(literal(part.value or ""), String()).label("value"))
    if collapse:
        # SUM(bigint) is NUMERIC on PostgreSQL: cast back, integers add and decode faster.
        columns += [cast(func.sum(table.c[m]) * part.sign, BigInteger()).label(m) for m in STORED]
    elif part.sign == 1:
        columns += [table.c[m].label(m) for m in STORED]
    else:
        columns += [(-table.c[m]).label(m) for m in STORED]
    stmt = where(select(*columns), part, table)
    if only is not None and part.value == "column":
        stmt = stmt.where(only(table))
    return stmt.group_by(*group) if collapse else stmt


def _totals(parts: Sequence[Part]) -> Any:
    """One row: each stored column summed over ``parts`` (no grouping)."""
    selects = []
    for part in parts:
        table = TABLES[(part.cube, part.grain)]
        sums = [cast(func.sum(table.c[m]) * part.sign, BigInteger()).label(m) for m in STORED]
        selects.append(where(select(*sums), part, table))
    if not selects:
        return select(*[cast(literal(0), BigInteger()).label(f"t_{m}") for m in STORED])
    union = union_all(*selects).subquery("tp") if len(selects) > 1 else selects[0].subquery("tp")
    return select(*[cast(func.sum(union.c[m]), BigInteger()).label(f"t_{m}") for m in STORED])


def _order(source: Any, total: Any, invalid: Any, cv: Any, keys: Sequence[Any]) -> list[Any]:
    """Time bucket, then most clicks, most conversions, then the keys (a total order)."""
    return [source.c.tb, (total + invalid).desc(), cv.desc(), *keys]


def _by_length(parts: Sequence[Part]) -> list[Part]:
    """SQLite: one part per block length, ``days = n AND bucket IN (...)`` being one index
    range (over an OR of lengths SQLite collects and sorts row ids first, which is slower).
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
    A value report with many values reads only the rows that can be among its first
    (:mod:`clicktrail.report.ranking`). Money metrics and their carries are summed apart
    and joined here, in Python integers (ADR 0078)."""
    if not parts:
        if not total_parts:
            return [], [0] * len(METRICS), False
        only_totals = (await session.execute(_totals(total_parts))).one()
        return [], list(carry.fold(only_totals)), False
    postgres = session.get_bind().dialect.name == "postgresql"
    if postgres:
        await _postgres_settings(session)
    else:
        parts, total_parts = _by_length(parts), _by_length(total_parts)
    reads = [grouped.Read(p) for p in parts]
    solo: Any = None
    if with_value and limit is not None and await ranking.many_values(session, parts, limit):
        tb = ranking.solo_label(parts)
        listing = None if tb is None else await ranking.grouped_values(session, parts)
        if tb is not None and listing is not None:
            only = ranking.listed(listing, postgres)
            rare, days = await grouped.solo_grouped(session, parts, listing)
            seldom = ranking.listed(rare, postgres) if rare else None
            reads = grouped.grouped_reads(parts, only, seldom, days)
            solo = ranking.solo_rows(parts, keys, limit, only, tb, postgres)
        else:
            reads = grouped.by_value(parts, ranking.candidates(parts, keys, limit, postgres))
    union = union_all(*[_part_select(r, keys, with_value) for r in reads])
    names = [*keys, "value"] if with_value else list(keys)
    u = union.subquery("u")
    group: list[Any] = [u.c.tb, *[u.c[k] for k in names]]
    sums = {m: cast(func.sum(u.c[m]), BigInteger()) for m in STORED}
    top = (
        select(*group, *[s.label(m) for m, s in sums.items()])
        .group_by(*group)
        .having(carry.nonzero(sums))
    )
    totals = _totals(total_parts).subquery("tot")
    # The totals ride along as one more row: its time bucket -1 is below every real one
    # (bucket indexes and hours of day start at 0).
    total_row = select(
        cast(literal(-1), BigInteger()).label("tb"),
        *[cast(null(), top.selected_columns[k].type).label(k) for k in names],
        *[totals.c[f"t_{m}"].label(m) for m in STORED],
    )
    key_end = 1 + len(names)
    if solo is not None:
        # Solo rows are their own groups; the few grouped values join them.
        stmt: Any = union_all(solo, select(top.subquery("top")), total_row)
    else:
        order = [text_order(u.c[k], postgres) for k in names]
        top = top.order_by(
            *_order(u, sums["total_click"], sums["invalid_click"], sums["cv"], order)
        )
        if limit is not None:
            stmt = union_all(select(top.limit(limit + 1).subquery("top")), total_row)
        else:  # an export: every row, which the engine sorts
            both = union_all(select(top.subquery("top")), total_row).subquery("r")
            c = both.c
            order = [text_order(c[k], postgres) for k in names]
            stmt = select(both).order_by(*_order(both, c.total_click, c.invalid_click, c.cv, order))
    # Slicing a plain tuple is cheaper than slicing a Row (docs/benchmarks.md).
    fold = carry.fold
    rows_read = map(tuple, (await session.execute(stmt)).all())
    result = [(*r[:key_end], *fold(r[key_end:])) for r in rows_read]
    if limit is not None:
        # At most limit + 1 rows: ordered here (Python orders text by code point, as both
        # engines do), cheaper than a second SQL sort with the totals row (ADR 0047).
        totals_row = next(r for r in result if r[0] == -1)
        rows = [r for r in result if r[0] != -1]
        result = [totals_row, *sorted(rows, key=_row_order(len(totals_row)))]
    totals_sums = list(result[0][key_end:])
    incomplete = limit is not None and len(result) > limit + 1
    stop = None if limit is None or not incomplete else limit + 1
    return [(r[:key_end], r[key_end:]) for r in result[1:stop]], totals_sums, incomplete


_TOTAL, _INVALID, _CV = (METRICS.index(m) for m in ("total_click", "invalid_click", "cv"))


def _row_order(width: int) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A row's place in report order (:func:`_order`) for rows of ``width`` columns: time
    bucket, most clicks, most conversions, then the keys."""
    at = width - len(METRICS)
    total, invalid, cv = at + _TOTAL, at + _INVALID, at + _CV
    keys = slice(1, at)
    return lambda row: (row[0], -(row[total] + row[invalid]), -row[cv], *row[keys])


async def snapshot(session: AsyncSession) -> None:
    """Make the report's statements see one snapshot: its first statement on PostgreSQL
    (whose default, read committed, gives each statement its own); SQLite's read
    transaction (a deferred BEGIN) already keeps the snapshot of its first read. A value
    report reads which values it must group before it reads the rows (ADR 0047)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))


async def _postgres_settings(session: AsyncSession) -> None:
    """For this transaction only (ADR 0046): no JIT (compiling the wide statement took
    longer than running it); a plan for these parameters every time (from the sixth run of
    a prepared statement PostgreSQL may keep a generic plan, much slower for a hostile sub1
    report); room to group and sort in memory instead of spilling to disk; no parallel
    workers (starting them cost more than they saved on every bench report, and a server
    runs reports side by side on few cores). Measurements: docs/benchmarks.md."""
    await session.execute(
        text(
            "SELECT set_config('jit', 'off', true), "
            "set_config('plan_cache_mode', 'force_custom_plan', true), "
            f"set_config('work_mem', '{WORK_MEM}', true), "
            "set_config('max_parallel_workers_per_gather', '0', true)"
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
