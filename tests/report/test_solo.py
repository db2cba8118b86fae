"""Single-day values (ADR 0047): compaction marks them solo, and a capped report over many
of them, merged from the solo index, is the head of the whole report (which groups every
row), also after a late write gave a solo value a second day, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.report import ranking, rollup, service
from clicktrail.report.compaction import DAY, compact
from clicktrail.report.schemas import ReportIn
from tests.report.capped import Reports, check_head, count_calls
from tests.report.data import pending_conversion

#: Limits small enough that one day (about 70 values) has more than twice as many.
LIMITS: list[int | None] = [None, 1, 4, 17, 30]


@pytest.fixture
def solo_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the statements that merged solo rows."""
    return count_calls(monkeypatch, ranking, "solo_rows")


@pytest.fixture(scope="module")
def seeded(module_database_url: str) -> tuple[str, datetime]:
    """The database and its first day, seeded once per engine: every test here only reads."""
    start = _first_day()
    asyncio.run(_seed(module_database_url, start))
    return module_database_url, start


def _first_day() -> datetime:
    """A UTC midnight at least eight days back that starts a four-day block."""
    today = int(time.time()) // DAY * DAY
    start = today - 8 * DAY
    start -= start % (4 * DAY)
    return datetime.fromtimestamp(start, UTC)


def _click(at: datetime, sub1: str, affiliate: int = 1) -> dict[str, Any]:
    return {
        "transaction_id": new_hex_id(),
        "created_at": at,
        "network_offer_id": 1,
        "network_affiliate_id": affiliate,
        "network_advertiser_id": 1,
        "sub1": sub1,
    }


async def _seed(url: str, start: datetime) -> None:
    """Four days: 60 click ids a day (1 to 3 clicks each, many ties), five campaigns with
    two clicks every day (over two days or more they lead the table), clicks without sub1,
    "late" on day 1 only (five clicks: it leads days 1 and 2), and "pend": a pending
    conversion alone (no click, no approved conversion, but on-hold sums). After
    compaction, a late click gives "late" a row on day 2 too."""
    clicks: list[dict[str, Any]] = []
    for day in range(4):
        base = start + timedelta(days=day, hours=3)
        for j in range(60):
            clicks += [_click(base + timedelta(minutes=j), f"c{day}-{j:02d}")] * (1 + j % 3)
        for k in range(5):
            at = base + timedelta(hours=1, minutes=k)
            clicks += [_click(at, f"a{k}", affiliate=2)] * 2
        clicks.append(_click(base + timedelta(hours=2), ""))
    clicks += [_click(start + timedelta(days=1, hours=9), "late")] * 5
    clicks = [{**c, "transaction_id": new_hex_id()} for c in clicks]
    pending = pending_conversion(start + timedelta(hours=5), sub1="pend")
    db = Database(url)
    try:
        async with db.write() as session:
            await rollup.add_clicks(session, clicks, now=0.0)
            await rollup.apply_conversions(session, [pending], +1)
        async with db.write() as session:
            await compact(session, now=(start + timedelta(days=4, hours=2)).timestamp())
        async with db.write() as session:
            late = _click(start + timedelta(days=2, hours=11), "late")
            await rollup.add_clicks(session, [late])  # day 2 is over: a late write
    finally:
        await db.dispose()


async def _solo_marks(url: str, table: str) -> dict[tuple[int, int, str], int]:
    """(days, bucket, value) -> solo of the sub1 rows (days 1 for day rows)."""
    days = "days" if table.endswith("block") else "1"
    db = Database(url)
    try:
        async with db.read() as session:
            rows = await session.execute(
                text(f"SELECT {days}, bucket, value, solo FROM {table} WHERE dim = 'sub1'")
            )
            return {(int(n), int(b), str(v)): int(s) for n, b, v, s in rows.all()}
    finally:
        await db.dispose()


def test_compaction_marks_single_day_values(seeded: tuple[str, datetime]) -> None:
    database_url, start = seeded
    first = int(start.timestamp())
    days = asyncio.run(_solo_marks(database_url, "rollup_values_day"))
    for day in range(4):
        bucket = first + day * DAY
        assert days[(1, bucket, f"c{day}-07")] == 1
        # Every day: alone when day 0 was compacted, then never again (one solo row at most).
        assert days[(1, bucket, "a3")] == (1 if day == 0 else 0)
        assert days[(1, bucket, "")] == 0  # the empty value recurs
    assert days[(1, first, "pend")] == 1  # on-hold sums only
    assert days[(1, first + DAY, "late")] == 1  # alone when its day was compacted
    assert days[(1, first + 2 * DAY, "late")] == 0  # written late: never solo
    blocks = asyncio.run(_solo_marks(database_url, "rollup_values_block"))
    assert blocks[(2, first, "c1-07")] == 1  # one solo day row
    assert blocks[(4, first, "c1-07")] == 1
    assert blocks[(2, first + 2 * DAY, "c3-07")] == 1
    assert blocks[(4, first, "a3")] == 0  # four day rows
    assert blocks[(2, first, "a3")] == 0
    # Built from day 1's solo row; the late write on day 2 added to it: one row, whole sums.
    assert blocks[(4, first, "late")] == 1
    assert blocks[(2, first + 2 * DAY, "late")] == 0  # created by the late write


@pytest.mark.parametrize(("timezone_id", "max_grouped"), [(67, 5000), (80, 5000), (67, 4)])
def test_capped_solo_reports_are_the_head_of_the_whole_report(
    seeded: tuple[str, datetime],
    solo_reads: list[int],
    monkeypatch: pytest.MonkeyPatch,
    timezone_id: int,
    max_grouped: int,
) -> None:
    """Also with too many values to group (four): those reports are ranked as before."""
    monkeypatch.setattr(ranking, "MAX_GROUPED", max_grouped)
    database_url, start = seeded
    with Reports(database_url) as reports:
        for first, last in ((0, 3), (1, 2), (0, 1), (1, 3), (2, 2)):
            _check_range(reports, start, first, last, timezone_id)
    assert bool(solo_reads) == (max_grouped > 4)


def _check_range(
    reports: Reports, start: datetime, first: int, last: int, timezone_id: int
) -> None:
    body = {
        "from": (start + timedelta(days=first)).date().isoformat(),
        "to": (start + timedelta(days=last)).date().isoformat(),
        "timezone_id": timezone_id,
        "columns": [{"column": "sub1"}],
    }
    full, *capped = reports.limits(body, LIMITS)
    for limit, report in zip(LIMITS[1:], capped, strict=True):
        assert limit is not None
        check_head(full, report, limit)
    clicks = {k[-1]: s[0] for k, s in full.rows}
    if timezone_id == 67 and first <= 1 and last >= 2:
        # The solo row of day 1 and the late row of day 2: the first row of a capped
        # report over days 1 and 2, whose day 1 read finds a grouped value's solo row.
        assert clicks["late"] == 6
    if timezone_id == 67 and first == 0:
        assert "pend" in clicks  # zero clicks, but on hold
    if timezone_id == 67:
        assert clicks["a3"] == 2 * (last - first + 1)


def test_a_report_reads_one_snapshot(seeded: tuple[str, datetime]) -> None:
    """The values to group and the rows are read by two statements: on PostgreSQL the
    report's transaction is repeatable read, so both see the same rows."""
    database_url, start = seeded
    body = ReportIn.model_validate(
        {
            "from": start.date().isoformat(),
            "to": start.date().isoformat(),
            "timezone_id": 67,
            "columns": [{"column": "sub1"}],
        }
    )

    async def main() -> str | None:
        db = Database(database_url)
        try:
            async with db.read() as session:
                await service.run(session, body)
                if db.is_sqlite:
                    return None
                level = await session.execute(text("SHOW transaction_isolation"))
                return str(level.scalar())
        finally:
            await db.dispose()

    level = asyncio.run(main())
    assert level in (None, "repeatable read")
    assert (level is None) == database_url.startswith("sqlite")
