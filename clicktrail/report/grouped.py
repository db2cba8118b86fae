"""The reads of the values a value report sums in full (ADR 0046, 0047): the candidates
of the narrow first pass, or the values listed next to the solo rows, read per part with a
condition on the part's table rows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, literal, literal_column, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models.rollup import BLOCK, TABLES
from clicktrail.report import ranking
from clicktrail.report.reads import Part
from clicktrail.report.timeplan import DAY, merge_ranges

#: The condition on a rollup table's rows that a part reads.
RowFilter = Callable[[Any], Any]


@dataclass(frozen=True)
class Read:
    """A part read with a condition on its table's rows (value-column parts only)."""

    part: Part
    only: RowFilter | None = None


def _unindexed(column: Any) -> Any:
    """``column`` as an expression no index serves: the planner then reads the condition's
    other columns from an index (left to itself, SQLite probed the primary key once per
    listed value, and PostgreSQL scanned the whole table for an OR of blocks)."""
    return column.concat(literal(""))


def _unindexed_int(column: Any) -> Any:
    """An integer ``column`` as an expression no index serves (see :func:`_unindexed`)."""
    return column + literal_column("0")


def by_value(parts: Sequence[Part], only: ranking.ValueFilter) -> list[Read]:
    """Each part with a filter keeping the rows of values ``only`` accepts. By value alone:
    a group outside the candidates that shares a candidate's value is read in full too, so
    every group read has its exact sums."""
    return [Read(p, lambda t: only(t.c.value)) for p in parts]


async def solo_grouped(
    session: AsyncSession, parts: Sequence[Part], values: Sequence[str]
) -> tuple[list[str], set[int]]:
    """Which grouped ``values`` have a solo row where a solo part reads, and on which days:
    those with a solo day row on a day those parts cover (a solo block row sums one solo
    day row). A value is grouped for its other rows, which are not solo, so these are
    usually none; a report in a zone behind UTC reads a whole UTC day and subtracts its
    first hours, whose values are grouped and solo on that day, and a late write can give
    a solo value a second day (ADR 0047). One index probe per value."""
    solo = [p for p in parts if ranking.solo_part(p)]
    if not solo or not values:
        return [], set()
    days = merge_ranges([(lo, hi) for p in solo for lo, hi, _ in p.labels])
    table = TABLES[("values", "day")]
    c = table.c
    # One probe of the (dim, value, bucket, solo) index per value: the day and the flag are
    # tested on what it finds, not ranged over (PostgreSQL scanned 180,000 solo rows of the range).
    day = _unindexed_int(c.bucket)
    stmt = select(c.value, c.bucket).where(
        c.dim == solo[0].dim,
        ranking.listed(values, session.get_bind().dialect.name == "postgresql")(c.value),
        _unindexed_int(c.solo) == 1,
        or_(*[and_(day >= lo, day < hi) for lo, hi in days]),
    )
    rows = (await session.execute(stmt)).all()
    return sorted({str(v) for v, _ in rows}), {int(b) for _, b in rows}


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


def grouped_reads(
    parts: Sequence[Part],
    grouped: ranking.ValueFilter,
    rare: ranking.ValueFilter | None,
    days: set[int],
) -> list[Read]:
    """The reads of the grouped values' rows (whose solo rows
    :func:`~clicktrail.report.ranking.solo_rows` merges apart): every row of those values.
    A solo part's are read in two: its rows that are not solo, one range of its solo index
    however many values are grouped (instead of looking each grouped value up in each
    block), and, only in the blocks and days holding one of ``days``, the solo rows of the
    grouped values that have some (``rare``: :func:`solo_grouped`; None when there are
    none)."""
    reads: list[Read] = []
    for part in parts:
        if not ranking.solo_part(part):
            reads += by_value([part], grouped)
            continue
        for bucket, n in ranking.solo_buckets(part):
            one = replace(part, labels=[_label_of(part, bucket, n)])
            reads.append(
                Read(
                    one,
                    lambda t: and_(t.c.solo == literal_column("0"), grouped(_unindexed(t.c.value))),
                )
            )
        if rare is not None and (holding := _holding(part, days)):
            reads.append(
                Read(
                    replace(part, labels=holding),
                    lambda t: and_(t.c.solo == literal_column("1"), rare(t.c.value)),
                )
            )
    return reads
