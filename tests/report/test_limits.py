"""A capped report is the first rows of the whole report, in the same order, with the whole
report's totals and ``incomplete`` set exactly when rows were left out; also when the
rows are found by the narrow first pass over many values (ADR 0046), including groups
whose clicks and conversions are zero but whose other counters are not."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.report import ranking, repository, rollup, service
from clicktrail.report.compaction import compact
from tests.report.capped import Reports, check_head, count_calls, run_limits
from tests.report.data import Seeded, pending_conversion, seed_traffic


@pytest.fixture
def narrow_passes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the statements that used the narrow first pass."""
    return count_calls(monkeypatch, ranking, "candidates")


def test_capped_reports_are_the_head_of_the_whole_report(database_url: str) -> None:
    """One-column value reports take the solo path where they can (ADR 0047); with it
    turned off ("narrow") they are ranked by the narrow first pass (ADR 0046). Both paths
    read the same seeded traffic: it is written once and only read."""

    with Reports(database_url) as reports:
        seeded = reports.call(seed_traffic(reports.db, seed=3, clicks=600, days=5))
        for path in ("narrow", "solo"):
            with pytest.MonkeyPatch.context() as patch:
                narrow_passes = count_calls(patch, ranking, "candidates")
                solo_reads = count_calls(patch, ranking, "solo_rows")
                if path == "narrow":
                    patch.setattr(ranking, "solo_label", lambda parts: None)
                _check_capped_heads(reports, seeded, path, narrow_passes)
                assert bool(solo_reads) == (path == "solo"), path


def _check_capped_heads(
    reports: Reports, seeded: Seeded, path: str, narrow_passes: list[int]
) -> None:
    whole = {"from": seeded.start.date().isoformat(), "to": seeded.now.date().isoformat()}
    limits: list[int | None] = [None, 1, 7, 40, 10_000]
    column_sets = (
        ["sub2"],
        ["date", "sub2"],
        ["city"],
        ["offer"],
        ["affiliate", "country"],
        ["affiliate", "sub2"],  # values by entity (ADR 0049)
        ["offer", "sub2"],
        ["hour", "sub2"],  # read by hour of day (ADR 0048)
        ["hour"],
    )
    # sub2 is read in both time zones; the other reports in one each, alternating.
    for index, columns in enumerate(column_sets):
        zones = (67, 80) if columns == ["sub2"] else ((67, 80)[index % 2],)
        for tz in zones:
            body = {**whole, "timezone_id": tz, "columns": [{"column": c} for c in columns]}
            narrow_before = len(narrow_passes)
            full, *capped = reports.limits(body, limits)
            for limit, report in zip(limits[1:], capped, strict=True):
                assert limit is not None
                check_head(full, report, limit)
            if columns == ["sub2"]:
                # sub2 has 31 values a day: more than twice the small limits in one day's
                # rows. A date x sub2 report has many time buckets and may be ranked by the
                # narrow pass on either path, depending on where the days fall.
                assert (len(narrow_passes) > narrow_before) == (path == "narrow"), path


@pytest.mark.parametrize("path", ["narrow", "solo"])
def test_zero_click_groups_keep_their_place(
    database_url: str, narrow_passes: list[int], monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """Day 1 has only pending conversions (clicks and conversions zero, on hold one) on
    eight values, day 2 clicks on eight others: a date x sub2 report lists day 1 first.
    It reads day 1 alone first (ADR 0048), where the solo path can serve; "narrow" turns
    that off."""
    solo_reads = count_calls(monkeypatch, ranking, "solo_rows")
    if path == "narrow":
        monkeypatch.setattr(ranking, "solo_label", lambda parts: None)
    day1 = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    day1 -= timedelta(days=5)
    day2 = day1 + timedelta(days=1)

    async def seed() -> None:
        db = Database(database_url)
        try:
            clicks = [
                {
                    "transaction_id": new_hex_id(),
                    "created_at": day2 + timedelta(hours=1, minutes=i),
                    "network_offer_id": 1,
                    "network_affiliate_id": 1,
                    "network_advertiser_id": 1,
                    "sub2": f"a{i % 8}",
                }
                for i in range(12)
            ]
            pending = [
                pending_conversion(day1 + timedelta(hours=2, minutes=i), sub2=f"z{7 - i}")
                for i in range(8)
            ]
            async with db.write() as session:
                await rollup.add_clicks(session, clicks, now=0.0)
                await rollup.apply_conversions(session, pending, +1)
            async with db.write() as session:
                await compact(session, now=(day2 + timedelta(days=2)).timestamp())
        finally:
            await db.dispose()

    asyncio.run(seed())
    body = {
        "from": day1.date().isoformat(),
        "to": day2.date().isoformat(),
        "timezone_id": 67,
        "columns": [{"column": "date"}, {"column": "sub2"}],
    }
    read_buckets: list[set[int]] = []
    real = repository.report_rows

    async def spy(session: Any, parts: Any, *args: Any, **kwargs: Any) -> Any:
        read_buckets.append({label for part in parts for _, _, label in part.labels})
        return await real(session, parts, *args, **kwargs)

    monkeypatch.setattr(repository, "report_rows", spy)
    full, capped, exact = run_limits(database_url, body, [None, 3, 8])
    check_head(full, capped, 3)
    # The export reads both days; the capped report finds its rows in day 1 and stops.
    # At a cap of 8, day 1 fills it exactly: day 2 is read with no row left to show, only
    # to tell that the table is incomplete.
    check_head(full, exact, 8)
    assert exact.incomplete
    assert read_buckets == [{0, 1}, {0}, {0}, {1}]
    assert bool(narrow_passes) == (path == "narrow")
    assert bool(solo_reads) == (path == "solo")
    first = [service.row_columns(capped, key)[1]["id"] for key, _ in capped.rows]
    assert first == ["z0", "z1", "z2"]
    assert [sums[6] for _, sums in capped.rows] == [1, 1, 1]  # pending_cv
