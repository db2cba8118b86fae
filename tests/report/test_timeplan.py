"""Signed day/hour pieces add up to exactly each local bucket (pure, property-based)."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from clicktrail.meta import timezones
from clicktrail.report import timeplan

BASE = int(datetime(2024, 1, 1, tzinfo=UTC).timestamp())
HOUR = timeplan.HOUR


def _hours(pieces: list[timeplan.Piece]) -> Counter[tuple[int, int]]:
    """(hour, bucket index) -> net count, expanding day pieces to their hours."""
    out: Counter[tuple[int, int]] = Counter()
    for pc in pieces:
        for h in range(pc.start, pc.end, HOUR):
            out[(h, pc.index)] += pc.sign
    return out


@given(
    start=st.integers(0, 400 * 24),
    length=st.integers(1, 60 * 24),
    zone_id=st.sampled_from(sorted(timezones.BY_ID)),
    kind=st.sampled_from([None, "date", "week", "month"]),
    mark_day=st.integers(-5, 500),
)
def test_pieces_cover_each_bucket_exactly(
    start: int, length: int, zone_id: int, kind: str | None, mark_day: int
) -> None:
    lo = BASE + start * HOUR
    hi = lo + length * HOUR
    zone = timezones.zone_for(zone_id)
    buckets = timeplan.buckets(lo, hi, zone, kind)
    # The buckets tile [lo, hi) without gaps or overlaps.
    assert buckets[0].start == lo
    assert buckets[-1].end == hi
    for before, after in itertools.pairwise(buckets):
        assert before.end == after.start
    mark = BASE + mark_day * timeplan.DAY
    net = _hours(list(timeplan.pieces(buckets, mark)))
    expected = Counter(
        {(h, i): 1 for i, b in enumerate(buckets) for h in range(b.start, b.end, HOUR)}
    )
    assert +net == expected
    assert not -net  # nothing subtracted that was not added
    # Day pieces are only used before the compaction mark.
    for pc in timeplan.pieces(buckets, mark):
        if pc.grain == "day":
            assert pc.end <= mark
