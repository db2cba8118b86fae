"""Turn a report's local time range and time column into rollup reads.

Rollups are bucketed by UTC hour and UTC day. A report asks for buckets in its
``timezone_id`` (local days, weeks, months, years, hours of day). Each local bucket
``[s, e)`` is read as the whole UTC days nearest to it (day grain) plus or minus the hours
between each UTC midnight and the local boundary (hour grain): a New York day is the UTC
day, minus its first 5 hours, plus the first 5 hours of the next UTC day. That is exact
for every whole-hour offset (DST included: each boundary is computed on its own date) and
reads at most 12 hour rows per boundary.

Half-hour (and 45-minute) zones: a local boundary that falls inside a UTC hour is moved
back to the start of that hour, so such buckets start up to 59 minutes early (ADR 0043).

Day rows exist only before the compaction mark; after it the hour grain is read.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

HOUR = 3600
DAY = 86400

Grain = Literal["hour", "day"]


@dataclass(frozen=True, slots=True)
class Bucket:
    """One output time bucket: its wire id/label and its UTC range [start, end)."""

    id: str
    label: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Piece:
    grain: Grain
    sign: int
    start: int
    end: int
    index: int  # which Bucket (or 0 when the report has no time column)


def floor_hour(moment: int) -> int:
    return moment - moment % HOUR


def _local_midnight(day: date, zone: ZoneInfo) -> int:
    local = datetime(day.year, day.month, day.day, tzinfo=zone)
    return floor_hour(int(local.timestamp()))


def _utc_midnight_id(day: date) -> str:
    return str(int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()))


def _period_start(day: date, kind: str) -> date:
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "month":
        return day.replace(day=1)
    if kind == "year":
        return day.replace(month=1, day=1)
    return day


def _next_period(start: date, kind: str) -> date:
    if kind == "week":
        return start + timedelta(days=7)
    if kind == "month":
        return (start.replace(day=28) + timedelta(days=4)).replace(day=1)
    if kind == "year":
        return start.replace(year=start.year + 1)
    return start + timedelta(days=1)


def _label(start: date, kind: str) -> str:
    if kind == "month":
        return start.strftime("%Y-%m")
    if kind == "year":
        return start.strftime("%Y")
    return start.isoformat()


def buckets(start: int, end: int, zone: ZoneInfo, kind: str | None) -> list[Bucket]:
    """The report's time buckets over [start, end) (UTC seconds, whole hours)."""
    if kind is None:
        return [Bucket("", "", start, end)]
    if kind == "hour":
        out = []
        for moment in range(start, end, HOUR):
            local_hour = datetime.fromtimestamp(moment, zone).hour
            out.append(Bucket(str(local_hour), f"{local_hour:02d}:00", moment, moment + HOUR))
        return out
    first = datetime.fromtimestamp(start, zone).date()
    period = _period_start(first, kind)
    out = []
    while True:
        following = _next_period(period, kind)
        lo = max(start, _local_midnight(period, zone))
        hi = min(end, _local_midnight(following, zone))
        if lo >= end:
            break
        if hi > lo:
            out.append(Bucket(_utc_midnight_id(period), _label(period, kind), lo, hi))
        period = following
    return out


def _nearest_midnight(moment: int) -> int:
    return (moment + DAY // 2) // DAY * DAY


def pieces(bucket_list: list[Bucket], day_complete_before: int) -> Iterator[Piece]:
    """Signed day- and hour-grain ranges whose sum is each bucket (see module doc)."""
    for index, bucket in enumerate(bucket_list):
        s, e = bucket.start, bucket.end
        ds = _nearest_midnight(s)
        de = min(_nearest_midnight(e), day_complete_before // DAY * DAY)
        if de - ds < DAY:
            yield Piece("hour", 1, s, e, index)
            continue
        yield Piece("day", 1, ds, de, index)
        if s < ds:
            yield Piece("hour", 1, s, ds, index)
        elif s > ds:
            yield Piece("hour", -1, ds, s, index)
        if e > de:
            yield Piece("hour", 1, de, e, index)
        elif e < de:
            yield Piece("hour", -1, e, de, index)


def blocks(start: int, end: int, sizes: Sequence[int]) -> Iterator[tuple[int, int]]:
    """[start, end) (UTC midnights) as the fewest aligned blocks: at each step the longest
    of ``sizes`` (days, longest first) that starts there and fits, else one day. A block of
    ``n`` days starts where ``moment % (n * DAY) == 0`` (ADR 0046)."""
    moment = start
    while moment < end:
        step = DAY
        for n in sizes:
            if moment % (n * DAY) == 0 and moment + n * DAY <= end:
                step = n * DAY
                break
        yield moment, moment + step
        moment += step


def merge_ranges(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, non-overlapping union of [start, end) ranges."""
    out: list[tuple[int, int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], hi))
        else:
            out.append((lo, hi))
    return out
