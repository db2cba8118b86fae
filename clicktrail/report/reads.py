"""The SQL of one part's rows: which rows of a rollup table a report reads and the time
bucket each lands in (shared by the report statement and its value ranking)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Integer, String, and_, case, literal, or_

from clicktrail.models.rollup import BLOCK, GRAINS, TABLES
from clicktrail.report.timeplan import DAY, merge_ranges


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


#: Most buckets a part lists one by one instead of testing ranges.
_LISTED = 2000

#: Ranges tested one after another at a leaf of :func:`range_case`.
_LEAF = 4


def range_case(
    bucket: ColumnElement[Any], ranges: Sequence[tuple[int, int, ColumnElement[Any] | int]]
) -> ColumnElement[Any]:
    """``ranges`` (sorted, disjoint [lo, hi) -> label) as a CASE that bisects on the bucket:
    about log2(n) comparisons per row instead of n/2 (a 90-day report has 90 ranges)."""
    if len(ranges) <= _LEAF:
        return case(*[(and_(bucket >= lo, bucket < hi), lab) for lo, hi, lab in ranges], else_=-1)
    mid = len(ranges) // 2
    return case(
        (bucket < ranges[mid][0], range_case(bucket, ranges[:mid])),
        else_=range_case(bucket, ranges[mid:]),
    )


def window(part: Part, bucket: ColumnElement[Any]) -> ColumnElement[bool]:
    """The part's rows: bucket ranges, or for the block grain the exact blocks (a block's
    label range is the block itself; ``days`` tells blocks of one start apart)."""
    if part.grain != BLOCK:
        ranges = merge_ranges([(lo, hi) for lo, hi, _ in part.labels])
        step = GRAINS[part.grain]
        if len(ranges) == 1 and ranges[0][1] - ranges[0][0] == step:
            # One bucket: an equality lets an index use the columns after it.
            return bucket == ranges[0][0]
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


def where(stmt: Any, part: Part, table: Any) -> Any:
    if part.dim is not None:
        stmt = stmt.where(table.c.dim == part.dim)
    stmt = stmt.where(window(part, table.c.bucket))
    for key, allowed in part.filters.items():
        stmt = stmt.where(table.c[key].in_(list(allowed)))
    return stmt


def label(part: Part, bucket: ColumnElement[Any]) -> ColumnElement[Any]:
    """The output time bucket of a row (or its local hour of day)."""
    if part.hour_of_day is not None:
        return range_case(
            bucket,
            sorted((lo, hi, (bucket + off) // 3600 % 24) for lo, hi, off in part.hour_of_day),
        )
    if len({lab for _, _, lab in part.labels}) == 1:
        return literal(part.labels[0][2], Integer())
    return range_case(bucket, sorted(part.labels))


def text_order(column: Any, postgres: bool) -> Any:
    """Text keys sort by code point on both engines (SQLite's order; PostgreSQL's
    database collation compared 180,000 sub1 values through strcoll)."""
    if postgres and isinstance(column.type, String):
        return column.collate("C")
    return column
