"""Which rollup reads answer a report plan: one signed Part per cube read, per grain and
sign, with the output time bucket of each range (ADR 0040, 0045, 0046).

Reports read rollups only, never raw clicks. The value cube keeps no rows for empty values;
an empty sub1 row is the entity cube's total minus every sub1 value, except over compacted
days, where the coarse values cube keeps it (ADR 0046). Compacted runs of days read aligned
blocks of the coarse cubes; totals are the report without columns.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from clicktrail.models.rollup import (
    BLOCK,
    BLOCK_DAYS,
    COARSE,
    COARSE_SOURCE,
    DIMS_KEYS,
    ENTITY_KEYS,
    HOURLESS,
    OTHER,
)
from clicktrail.report import plan, timeplan
from clicktrail.report.reads import Part


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


def hour_pieces(p: plan.Plan) -> list[timeplan.Piece]:
    """An hour-of-day report's range as one piece per UTC hour, each indexed by the local
    hour of day it lands in (the label its rows get in SQL, ADR 0043): what a capped
    report reads one hour of day at a time (ADR 0048)."""
    out: list[timeplan.Piece] = []
    for lo, hi, off in _hour_segments(p.start, p.end, p.zone):
        for moment in range(lo, hi, timeplan.HOUR):
            hour = (moment + off) // timeplan.HOUR % 24
            out.append(timeplan.Piece("hour", 1, moment, moment + timeplan.HOUR, hour))
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
    if coarse is None or (grain == "hour" and coarse in HOURLESS):
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


def parts(p: plan.Plan, pieces: list[timeplan.Piece], mark: int) -> list[Part]:
    """One Part per term x grain x sign; pieces before the compaction mark read a coarse cube
    when one covers the term."""
    hours = _hour_segments(p.start, p.end, p.zone) if p.time_kind == "hour" else None
    out: list[Part] = []
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
                    out.append(
                        Part(
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
    return out


def total_parts(p: plan.Plan, mark: int) -> list[Part]:
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
    return parts(whole, list(timeplan.pieces([bucket], mark)), mark)
