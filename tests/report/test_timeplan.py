"""Signed day/hour pieces add up to exactly each local bucket (pure, property-based)."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from clicktrail.meta import timezones
from clicktrail.models.rollup import BLOCK_DAYS
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


@given(start=st.integers(0, 2000), length=st.integers(0, 400))
def test_blocks_tile_a_day_range_with_aligned_blocks(start: int, length: int) -> None:
    lo = BASE + start * timeplan.DAY
    hi = lo + length * timeplan.DAY
    got = list(timeplan.blocks(lo, hi, BLOCK_DAYS))
    assert [b for b, _ in got[:1]] == ([lo] if length else [])
    for (_, end), (begin, _) in itertools.pairwise(got):
        assert end == begin
    assert sum(e - b for b, e in got) == hi - lo
    for b, e in got:
        days = (e - b) // timeplan.DAY
        assert days == 1 or (days in BLOCK_DAYS and b % (e - b) == 0)
    # Greedy from the left is the fewest blocks of these aligned sizes: no two neighbours
    # of one length could have been one block of twice that length.
    for (b1, e1), (b2, e2) in itertools.pairwise(got):
        span = e1 - b1
        if span == e2 - b2 and 2 * span // timeplan.DAY in BLOCK_DAYS:
            assert b1 % (2 * span) != 0


def test_a_90_day_range_reads_five_blocks() -> None:
    lo = int(datetime(2026, 8, 23, tzinfo=UTC).timestamp())
    got = list(timeplan.blocks(lo, lo + 90 * timeplan.DAY, BLOCK_DAYS))
    assert [(e - b) // timeplan.DAY for b, e in got] == [16, 32, 32, 8, 2]
