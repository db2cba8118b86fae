"""The aggregated report: plan the request, sum the rollups, label and shape the rows.

Reports read rollups only, never raw clicks (ADR 0040); :mod:`clicktrail.report.parts`
says which reads answer a plan. A capped report with a time column (date, week, month,
hour of day) lists its time buckets in order, so it reads buckets from the first on until
it has its rows instead of grouping the whole range (ADR 0048).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models.rollup import OTHER
from clicktrail.report import metrics, parts, plan, repository, timeplan
from clicktrail.report.columns import Column, country_name
from clicktrail.report.schemas import ReportIn

#: Everflow caps the table at 10,000 rows and then says ``incomplete_results: true``.
MAX_ROWS = 10_000

Key = tuple[Any, ...]


@dataclass
class Report:
    plan: plan.Plan
    buckets: list[timeplan.Bucket]
    rows: list[tuple[Key, tuple[int, ...]]]  # ((bucket index, *keys[, value]), sums)
    total: list[int]
    incomplete: bool
    labels: dict[str, dict[int, str]]


async def run(
    session: AsyncSession,
    body: ReportIn,
    *,
    affiliate_id: int | None = None,
    limit: int | None = MAX_ROWS,
) -> Report:
    """Answer ``body``; ``affiliate_id`` restricts it to one affiliate (affiliate realm);
    ``limit`` caps the rows (None: every row, for exports). Runs first in its transaction:
    every statement of the report sees one snapshot."""
    await repository.snapshot(session)
    tz_id, currency = await repository.network_settings(session)
    p = plan.build(
        body, affiliate_id=affiliate_id, network_timezone_id=tz_id, network_currency=currency
    )
    if p.time_kind == "hour":
        buckets = [timeplan.Bucket("", "", p.start, p.end)]
    else:
        buckets = timeplan.buckets(p.start, p.end, p.zone, p.time_kind)
    mark = await repository.day_complete_before(session)
    # Hours of day need hour rows throughout (no day pieces).
    pieces = list(timeplan.pieces(buckets, 0 if p.time_kind == "hour" else mark))
    if limit is not None and p.time_kind == "hour":
        hours = parts.hour_pieces(p)
        raw, total, incomplete = await _by_bucket(session, p, hours, mark, 24, limit, pieces)
    elif limit is not None and p.time_kind is not None and len(buckets) > 1:
        raw, total, incomplete = await _by_bucket(session, p, pieces, mark, len(buckets), limit)
    else:
        raw, total, incomplete = await _whole(session, p, pieces, mark, limit)
    rows: list[tuple[Key, tuple[int, ...]]] = list(raw)
    labels: dict[str, dict[int, str]] = {}
    for position, key_name in enumerate(p.keys, start=1):
        if key_name in ("offer_id", "affiliate_id", "advertiser_id", "event_id"):
            ids = {int(k[position]) for k, _ in rows}
            labels[key_name] = await repository.names(session, key_name, ids)
    return Report(p, buckets, rows, total, incomplete, labels)


#: A capped report's next run reads this many times the buckets that the rows still
#: missing need at the average so far: a margin for buckets with fewer rows.
_MARGIN = 1.25

#: A report's rows, its totals, and whether rows were left out.
Rows = tuple[list[tuple[Key, tuple[int, ...]]], list[int], bool]


async def _whole(
    session: AsyncSession, p: plan.Plan, pieces: list[timeplan.Piece], mark: int, limit: int | None
) -> Rows:
    """The report in one statement over all its pieces."""
    return await repository.report_rows(
        session,
        parts.parts(p, pieces, mark),
        parts.total_parts(p, mark),
        keys=p.keys,
        with_value=p.group_value,
        limit=limit,
    )


async def _by_bucket(
    session: AsyncSession,
    p: plan.Plan,
    pieces: list[timeplan.Piece],
    mark: int,
    count: int,
    limit: int,
    whole: list[timeplan.Piece] | None = None,
) -> Rows:
    """A capped report with a time column, read in runs of time buckets from the first: its
    rows are ordered by time bucket first, so the rows of a run are exact and final
    whatever the later buckets hold, and the report stops at ``limit + 1`` rows (a 90-day
    date x sub2 report needs its first two days, not 890,000 groups). ``count`` buckets,
    the pieces of bucket ``i`` those of index ``i`` (for hours of day: the UTC hours that
    land in hour ``i``). The first run is one bucket; each next run is as many buckets as
    the rows still missing need at the average so far, so a report that lists every
    bucket takes two statements. The totals (whole range) ride along with the first run.
    Given ``whole`` (the range's own pieces), a next run that would read every bucket left
    reads the whole report in one statement instead: the hours of day left are scattered
    hours, which PostgreSQL reads more slowly than the range (docs/benchmarks.md)."""
    rows: list[tuple[Key, tuple[int, ...]]] = []
    total: list[int] | None = None
    start, take = 0, 1
    while start < count:
        chosen = [pc for pc in pieces if start <= pc.index < start + take]
        got, sums, more = await repository.report_rows(
            session,
            parts.parts(p, chosen, mark),
            parts.total_parts(p, mark) if total is None else [],
            keys=p.keys,
            with_value=p.group_value,
            limit=limit - len(rows),
        )
        if total is None:
            total = sums
        rows += got
        if more:
            return rows, total, True
        start += take
        average = max(len(rows) / start, 1.0)
        take = max(1, math.ceil((limit + 1 - len(rows)) / average * _MARGIN))
        if whole is not None and start + take >= count:
            return await _whole(session, p, whole, mark, limit)
    assert total is not None  # count > 0: the loop ran
    return rows, total, False


def _cell(report: Report, column_name: str, key_name: str | None, value: Any) -> dict[str, str]:
    if key_name is None:  # time
        raise AssertionError
    if key_name in report.labels:
        ident = int(value)
        if key_name == "event_id" and ident == 0:
            return {"column_type": column_name, "id": "0", "label": "Base Conversion"}
        label = report.labels[key_name].get(ident, "")
        return {"column_type": column_name, "id": str(ident), "label": label}
    text = "(other)" if value == OTHER else str(value)
    if column_name == "country":
        return {"column_type": column_name, "id": text, "label": country_name(text)}
    return {"column_type": column_name, "id": text, "label": text}


Cells = dict[tuple[int, Any], dict[str, str]]


def _column_cell(report: Report, column: Column, part: Any) -> dict[str, str]:
    """The cell of ``column`` whose key component is ``part``."""
    if column.kind == "time" and report.plan.time_kind == "hour":
        hour = int(part)
        return {"column_type": column.name, "id": str(hour), "label": f"{hour:02d}:00"}
    if column.kind == "time":
        bucket = report.buckets[part]
        return {"column_type": column.name, "id": bucket.id, "label": bucket.label}
    if column.kind == "value":
        return _cell(report, column.name, "value", part)
    return _cell(report, column.name, column.key, part)


def row_columns(report: Report, key: Key, cells: Cells | None = None) -> list[dict[str, str]]:
    """The ``columns`` of one table row, in the requested order.

    ``cells`` memoizes cells by (column position, key component) across the rows of one
    report (a 90-day date x offer table repeats each of its ~150 cells dozens of times);
    memoized cells are shared between rows and must not be mutated."""
    p = report.plan
    out: list[dict[str, str]] = []
    for position, column in enumerate(p.columns):
        if column.kind == "time":
            part = key[0]
        elif column.kind == "value":
            part = key[1 + len(p.keys)]
        else:
            part = key[1 + p.keys.index(column.key)]
        if cells is None:
            out.append(_column_cell(report, column, part))
            continue
        cell = cells.get((position, part))
        if cell is None:
            cell = cells[(position, part)] = _column_cell(report, column, part)
        out.append(cell)
    return out


def metric_shape(affiliate: bool) -> Callable[[Sequence[int]], dict[str, Any]]:
    return metrics.affiliate if affiliate else metrics.network


def table(report: Report, affiliate: bool) -> Iterator[dict[str, Any]]:
    """The table rows. Cells and metric objects are shared between rows with equal keys or
    equal sums (a hostile sub1 table is 10,000 rows of one click each) and must not be
    mutated."""
    shape = metric_shape(affiliate)
    cells: Cells = {}
    shaped: dict[tuple[int, ...], dict[str, Any]] = {}
    for key, sums in report.rows:
        reporting = shaped.get(sums)
        if reporting is None:
            reporting = shaped[sums] = shape(sums)
        yield {"columns": row_columns(report, key, cells), "reporting": reporting}
