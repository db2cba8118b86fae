"""The aggregated report: plan the request, sum the rollups, label and shape the rows.

Reports read rollups only, never raw clicks (ADR 0040). The value cube keeps no rows for
empty values; an empty sub1 row is the entity cube's total minus every sub1 value, except
over compacted days, where the coarse values cube keeps it (ADR 0046). Compacted runs of
days read aligned blocks of the coarse cubes; totals are the report without columns.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.models.rollup import (
    BLOCK,
    BLOCK_DAYS,
    COARSE,
    COARSE_SOURCE,
    DIMS_KEYS,
    ENTITY_KEYS,
    OTHER,
)
from clicktrail.report import metrics, plan, repository, timeplan
from clicktrail.report.columns import Column, country_name
from clicktrail.report.schemas import ReportIn

#: Everflow caps the table at 10,000 rows and then says ``incomplete_results: true``.
MAX_ROWS = 10_000

Key = tuple[Any, ...]


@dataclass
class _Term:
    """One signed sum feeding the result: a cube read whose rows land on output keys."""

    cube: str
    keys: list[str]
    filters: dict[str, Collection[Any]]
    dim: str | None
    sign: int
    value: str | None  # fixed value for the value column (the empty-value terms)
    #: "all": every piece, those before the compaction mark from a coarse cube when one
    #: covers the term; "done": only those, from ``cube`` (a coarse cube); "live": only
    #: the pieces after the mark, from ``cube``.
    span: str = "all"


@dataclass
class Report:
    plan: plan.Plan
    buckets: list[timeplan.Bucket]
    rows: list[tuple[Key, tuple[int, ...]]]  # ((bucket index, *keys[, value]), sums)
    total: list[int]
    incomplete: bool
    labels: dict[str, dict[int, str]]


def _terms(p: plan.Plan) -> list[_Term]:
    if p.cube != "value":
        return [_Term(p.cube, p.keys, dict(p.filters), None, 1, None)]
    wanted = p.value_filter
    terms: list[_Term] = []
    span = "all"
    value_keys = [*p.keys, "value"] if p.group_value else list(p.keys)
    if not p.keys and not p.filters:
        # Compacted pieces read the coarse values cube alone: it keeps the empty value's
        # rows (ADR 0046). The terms below read only the pieces after the mark.
        span = "live"
        done: dict[str, Collection[Any]] = {}
        if wanted is not None:
            done["value"] = {OTHER if v == "(other)" else v for v in wanted}
        terms.append(_Term("values", value_keys, done, p.value_dim, 1, None, "done"))
    non_empty = None if wanted is None else {v for v in wanted if v != ""}
    if non_empty is None or non_empty:
        filters: dict[str, Collection[Any]] = dict(p.filters)
        if non_empty:
            filters["value"] = {OTHER if v == "(other)" else v for v in non_empty}
        terms.append(_Term("value", value_keys, filters, p.value_dim, 1, None, span))
    if wanted is None or "" in wanted:
        # The value cube has no empty values: entity total minus every value.
        terms.append(_Term("entity", list(p.keys), dict(p.filters), None, 1, "", span))
        terms.append(_Term("value", list(p.keys), dict(p.filters), p.value_dim, -1, "", span))
    return terms


def _hour_segments(start: int, end: int, zone: Any) -> list[tuple[int, int, int]]:
    """[lo, hi) ranges of constant UTC offset (seconds) between start and end."""
    out: list[tuple[int, int, int]] = []
    for moment in range(start, end, timeplan.HOUR):
        offset = datetime.fromtimestamp(moment, zone).utcoffset()
        off = int(offset.total_seconds()) if offset is not None else 0
        if out and out[-1][2] == off and out[-1][1] == moment:
            out[-1] = (out[-1][0], moment + timeplan.HOUR, off)
        else:
            out.append((moment, moment + timeplan.HOUR, off))
    return out


def _labelled(pieces: list[timeplan.Piece]) -> list[tuple[int, int, int]]:
    """Merge adjacent pieces that land on the same bucket."""
    out: list[tuple[int, int, int]] = []
    for pc in sorted(pieces, key=lambda x: x.start):
        if out and out[-1][1] == pc.start and out[-1][2] == pc.index:
            out[-1] = (out[-1][0], pc.end, pc.index)
        else:
            out.append((pc.start, pc.end, pc.index))
    return out


def _coarse(term: _Term) -> str | None:
    """A coarse cube summed from the term's cube that covers its keys and filters, if any.
    The coarse values cube is read by "done" terms only: its empty-value rows replace the
    empty value's "entity minus every value" terms (ADR 0046)."""
    need = set(term.keys) | set(term.filters) | ({"dim"} if term.dim else set())
    for cube, keys in COARSE.items():
        if cube != "values" and COARSE_SOURCE[cube] == term.cube and need <= set(keys):
            return cube
    return None


def _reads(
    term: _Term, grain: str, chosen: list[timeplan.Piece], mark: int
) -> list[tuple[str, str, list[tuple[int, int, int]]]]:
    """(cube, grain, labelled ranges) reads of a term for pieces of one grain and sign:
    pieces before the compaction mark from the coarse cube when there is one, its long day
    runs as aligned blocks (one label range per block, ADR 0046); the rest from the term's
    cube. ``term.span`` may keep only one side of the mark."""
    cube = term.cube
    live = [pc for pc in chosen if pc.end > mark]
    if term.span == "live":
        return [(cube, grain, _labelled(live))]
    coarse = cube if term.span == "done" else _coarse(term)
    if coarse is None:
        return [(cube, grain, _labelled(chosen))]
    done = [pc for pc in chosen if pc.end <= mark]
    reads = [] if term.span == "done" else [(cube, grain, _labelled(live))]
    if grain != "day":
        return [(coarse, grain, _labelled(done)), *reads]
    runs: list[tuple[int, int, int]] = []
    days: list[timeplan.Piece] = []
    for pc in done:
        for lo, hi in timeplan.blocks(pc.start, pc.end, BLOCK_DAYS):
            if hi - lo > timeplan.DAY:
                runs.append((lo, hi, pc.index))
            else:
                days.append(timeplan.Piece("day", pc.sign, lo, hi, pc.index))
    return [(coarse, BLOCK, sorted(runs)), (coarse, "day", _labelled(days)), *reads]


def _parts(p: plan.Plan, pieces: list[timeplan.Piece], mark: int) -> list[repository.Part]:
    """One Part per term x grain x sign; pieces before the compaction mark read a coarse cube
    when one covers the term."""
    hours = _hour_segments(p.start, p.end, p.zone) if p.time_kind == "hour" else None
    parts: list[repository.Part] = []
    for term in _terms(p):
        if p.group_value:
            value: str | None = "column" if term.value is None else term.value
        else:
            value = None
        for grain in ("day", "hour"):
            for sign in (1, -1):
                chosen = [pc for pc in pieces if pc.grain == grain and pc.sign == sign]
                for cube, read_grain, labels in _reads(term, grain, chosen, mark):
                    if not labels:
                        continue
                    parts.append(
                        repository.Part(
                            cube=cube,
                            grain=read_grain,
                            sign=sign * term.sign,
                            keys=term.keys,
                            filters=term.filters,
                            dim=term.dim,
                            value=value,
                            labels=labels,
                            hour_of_day=hours,
                        )
                    )
    return parts


def _total_parts(p: plan.Plan, mark: int) -> list[repository.Part]:
    """The totals: the same report without columns (every row of the table, "(other)" and
    the empty value included, sums to it), over the whole range at once. Without a value
    filter the values and their empty row add up to the entity total, so a sub1 report's
    totals come from the small offer cube, not from its 180,000 values (ADR 0046)."""
    if p.value_filter is not None:
        cube = "value"
    elif any(key in DIMS_KEYS[len(ENTITY_KEYS) :] for key in p.filters):
        cube = "dims"
    else:
        cube = "entity"
    whole = replace(
        p,
        columns=[],
        cube=cube,
        keys=[],
        value_dim=p.value_dim if cube == "value" else None,
        group_value=False,
        time_kind=None,
    )
    bucket = timeplan.Bucket("", "", p.start, p.end)
    return _parts(whole, list(timeplan.pieces([bucket], mark)), mark)


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
    raw, total, incomplete = await repository.report_rows(
        session,
        _parts(p, pieces, mark),
        _total_parts(p, mark),
        keys=p.keys,
        with_value=p.group_value,
        limit=limit,
    )
    rows: list[tuple[Key, tuple[int, ...]]] = list(raw)
    labels: dict[str, dict[int, str]] = {}
    for position, key_name in enumerate(p.keys, start=1):
        if key_name in ("offer_id", "affiliate_id", "advertiser_id", "event_id"):
            ids = {int(k[position]) for k, _ in rows}
            labels[key_name] = await repository.names(session, key_name, ids)
    return Report(p, buckets, rows, total, incomplete, labels)


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
