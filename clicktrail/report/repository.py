"""Every query of the aggregated reports: sums over rollup cubes and the names for labels."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models import Advertiser, Affiliate, Network, Offer, OfferPayoutRevenue
from clicktrail.models.rollup import METRICS, TABLES
from clicktrail.report.compaction import day_complete_before
from clicktrail.report.timeplan import merge_ranges

__all__ = ["Part", "day_complete_before", "names", "network_settings", "report_rows", "sums"]


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


def _part_select(part: Part, keys: Sequence[str], with_value: bool) -> Any:
    table = TABLES[(part.cube, part.grain)]
    bucket = table.c.bucket
    label: ColumnElement[Any]
    if part.hour_of_day is not None:
        label = _range_case(
            bucket,
            sorted((lo, hi, (bucket + off) // 3600 % 24) for lo, hi, off in part.hour_of_day),
        )
    elif len({lab for _, _, lab in part.labels}) == 1:
        label = literal(part.labels[0][2], Integer())
    else:
        label = _range_case(bucket, sorted(part.labels))
    group: list[Any] = [table.c[k] for k in keys]
    columns: list[Any] = [table.c[k].label(k) for k in keys]
    if with_value:
        if part.value == "column":
            group.append(table.c.value)
            columns.append(table.c.value.label("value"))
        else:
            columns.append(cast(literal(part.value or ""), String()).label("value"))
    group.append(label)
    columns.append(cast(label, BigInteger()).label("tb"))
    # SUM(bigint) is NUMERIC on PostgreSQL: cast back, integers decode far faster.
    columns += [cast(func.sum(table.c[m]) * part.sign, BigInteger()).label(m) for m in METRICS]
    stmt = select(*columns)
    if part.dim is not None:
        stmt = stmt.where(table.c.dim == part.dim)
    window = merge_ranges([(lo, hi) for lo, hi, _ in part.labels])
    stmt = stmt.where(or_(*[and_(bucket >= lo, bucket < hi) for lo, hi in window]))
    for key, allowed in part.filters.items():
        stmt = stmt.where(table.c[key].in_(list(allowed)))
    return stmt.group_by(*group)


async def report_rows(
    session: AsyncSession,
    parts: Sequence[Part],
    *,
    keys: Sequence[str],
    with_value: bool,
    limit: int | None,
) -> tuple[list[tuple[Any, ...]], list[int], int]:
    """The report in one statement: rows of (*keys, [value,] tb, *METRICS), ordered and
    limited in SQL, plus the totals over every row and the number of rows."""
    if not parts:
        return [], [0] * len(METRICS), 0
    union = union_all(*[_part_select(p, keys, with_value) for p in parts]).subquery("u")
    group: list[Any] = [union.c[k] for k in keys]
    if with_value:
        group.append(union.c.value)
    group.append(union.c.tb)
    sums = [cast(func.sum(union.c[m]), BigInteger()) for m in METRICS]
    stmt = (
        select(
            *group,
            *[s.label(m) for s, m in zip(sums, METRICS, strict=True)],
            *[
                cast(func.sum(s).over(), BigInteger()).label(f"t_{m}")
                for s, m in zip(sums, METRICS, strict=True)
            ],
            func.count().over().label("n_rows"),
        )
        .group_by(*group)
        .having(or_(*[s != 0 for s in sums]))
        .order_by(
            union.c.tb,
            (sums[METRICS.index("total_click")] + sums[METRICS.index("invalid_click")]).desc(),
            sums[METRICS.index("cv")].desc(),
            *group[:-1],
        )
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    result = (await session.execute(stmt)).all()
    if not result:
        return [], [0] * len(METRICS), 0
    width = len(group)
    n = len(METRICS)
    rows = [(*r[:width], *[int(v or 0) for v in r[width : width + n]]) for r in result]
    totals = [int(v or 0) for v in result[0][width + n : width + 2 * n]]
    return rows, totals, int(result[0][width + 2 * n])


async def sums(
    session: AsyncSession,
    *,
    cube: str,
    grain: str,
    keys: Sequence[str],
    ranges: Sequence[tuple[int, int]],
    filters: Mapping[str, Collection[Any]],
    by_bucket: bool,
    dim: str | None = None,
) -> list[tuple[Any, ...]]:
    """Rows of (*keys, [bucket,] *METRICS) summed over ``ranges`` of ``cube`` at ``grain``.

    ``filters`` maps a key column (or ``value`` for the value cube) to the allowed values;
    ``dim`` selects the value cube's dimension.
    """
    if not ranges:
        return []
    table = TABLES[(cube, grain)]
    group = [table.c[k] for k in keys]
    if by_bucket:
        group.append(table.c.bucket)
    window = or_(*[and_(table.c.bucket >= lo, table.c.bucket < hi) for lo, hi in ranges])
    stmt = select(*group, *[func.sum(table.c[m]) for m in METRICS])
    if dim is not None:
        stmt = stmt.where(table.c.dim == dim)
    stmt = stmt.where(window)
    for key, allowed in filters.items():
        stmt = stmt.where(table.c[key].in_(list(allowed)))
    if group:
        stmt = stmt.group_by(*group)
    result = await session.execute(stmt)
    width = len(group)
    return [
        (*row[:width], *[int(v or 0) for v in row[width:]])
        for row in result.all()
        if any(row[width:])
    ]


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
