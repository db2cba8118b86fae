"""Seventy days of traffic, 66 of them compacted, so that long reports read the coarse
cubes' blocks (2 to 32 days) and the new entity x dimension cubes, with late writes on
compacted days and blocks. Every report equals the raw rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from clicktrail.db import Database
from clicktrail.models.rollup import BLOCK, COARSE, METRICS
from clicktrail.report import parts, plan, repository, service, timeplan
from clicktrail.report.compaction import DAY
from clicktrail.report.schemas import ReportIn
from tests.report.capped import run_reports
from tests.report.data import Seeded, oracle, raw_rows, seed_traffic

COLUMNS = [
    ["offer"],
    ["affiliate"],
    ["country"],
    ["device_type"],
    ["offer", "country"],
    ["advertiser", "country"],
    ["affiliate", "country"],
    ["offer", "device_type"],
    ["sub1"],
    ["sub2"],
    ["city"],
    ["week", "source_id"],
    ["month", "offer", "country"],
    ["date", "affiliate", "country"],
]
FILTERS: list[list[dict[str, str]]] = [
    [],
    [{"resource_type": "country", "filter_id_value": "US"}],
    [
        {"resource_type": "sub1", "filter_id_value": "fb"},
        {"resource_type": "s1", "filter_id_value": ""},
    ],
]


@pytest.fixture(scope="module")
def seeded(module_database_url: str) -> tuple[Seeded, Any, Any]:
    """Seeded once per engine: every test here only reads."""

    async def setup() -> Any:
        db = Database(module_database_url)
        try:
            seeded = await seed_traffic(db, seed=11, clicks=300, days=70, compacted=66)
            return seeded, *await raw_rows(db)
        finally:
            await db.dispose()

    result: tuple[Seeded, Any, Any] = asyncio.run(setup())
    return result


def _reports(url: str, bodies: list[dict[str, Any]]) -> list[service.Report]:
    return run_reports(url, [(body, None) for body in bodies])


def _ids(report: service.Report) -> dict[tuple[str, ...], list[int]]:
    return {
        tuple(cell["id"] for cell in service.row_columns(report, key)): list(sums)
        for key, sums in report.rows
    }


def _applies(columns: list[str], filters: list[dict[str, str]]) -> bool:
    names = {f["resource_type"] for f in filters}
    value_report = any(c in ("sub1", "sub2", "city", "source_id") for c in columns)
    dims_report = any(c in ("country", "device_type") for c in columns)
    if "country" in names and value_report:
        return False
    other_value = value_report and "sub1" not in columns
    return not (names & {"sub1", "s1"} and (dims_report or other_value))


def test_long_reports_read_blocks_and_match_raw_rows(
    module_database_url: str, seeded: tuple[Seeded, Any, Any]
) -> None:
    info, clicks, conversions = seeded
    first = info.start.date() + timedelta(days=1)
    ranges = [
        (info.start.date(), info.now.date()),  # compacted days, blocks, then live hours
        (first, first + timedelta(days=59)),  # compacted only
        (first + timedelta(days=3), first + timedelta(days=40)),
    ]
    # Each (range, columns) pair is read in one of the two time zones, alternating, so that
    # every range and every column set meets both zones without the product of the two.
    bodies = [
        {
            "from": frm.isoformat(),
            "to": to.isoformat(),
            "timezone_id": (67, 80)[(r + c) % 2],
            "columns": [{"column": name} for name in columns],
            "query": {"filters": filters},
        }
        for r, (frm, to) in enumerate(ranges)
        for c, columns in enumerate(COLUMNS)
        for filters in FILTERS
        if _applies(columns, filters)
    ]
    for body, got in zip(bodies, _reports(module_database_url, bodies), strict=True):
        expected = oracle(clicks, conversions, body)
        assert _ids(got) == expected, body
        totals = [sum(c) for c in zip(*expected.values(), strict=True)]
        assert got.total == (totals or [0] * len(METRICS)), body


def test_a_long_range_reads_blocks_of_every_coarse_cube(
    seeded: tuple[Seeded, Any, Any],
) -> None:
    info, _, _ = seeded
    mark = (info.start + timedelta(days=66)).timestamp() // DAY * DAY
    columns_list = (
        ["offer"],
        ["affiliate"],
        ["region"],
        ["offer", "country"],
        ["sub1"],
        ["affiliate", "sub1"],
    )
    for columns in columns_list:
        body = ReportIn.model_validate(
            {
                "from": info.start.date().isoformat(),
                "to": info.now.date().isoformat(),
                "columns": [{"column": c} for c in columns],
            }
        )
        p = plan.build(body, affiliate_id=None, network_timezone_id=67, network_currency="USD")
        buckets = timeplan.buckets(p.start, p.end, p.zone, p.time_kind)
        pieces = list(timeplan.pieces(buckets, int(mark)))
        reads: list[repository.Part] = parts.parts(p, pieces, int(mark))
        blocks = [part for part in reads if part.grain == BLOCK]
        assert blocks, columns
        assert {part.cube for part in blocks} <= set(COARSE)
        if columns == ["affiliate", "sub1"]:  # ADR 0049
            assert "affiliate_values" in {part.cube for part in blocks}
        assert max(hi - lo for part in blocks for lo, hi, _ in part.labels) == 32 * DAY


def test_blocks_hold_the_sums_of_their_days(
    module_database_url: str, seeded: tuple[Seeded, Any, Any]
) -> None:
    """Compaction built them and the late writes (status changes) added to them."""

    async def check() -> None:
        db = Database(module_database_url)
        try:
            async with db.read() as session:
                mark = (
                    await session.execute(
                        text("SELECT value FROM rollup_state WHERE name = 'day_complete_before'")
                    )
                ).scalar_one()
                for cube, keys in COARSE.items():
                    key_list = ", ".join(keys)
                    sums = ", ".join(f"SUM({m})" for m in METRICS)
                    blocks = await session.execute(
                        text(
                            f"SELECT days, bucket, {key_list}, {sums} FROM rollup_{cube}_block "
                            "WHERE bucket + days * 86400 <= :mark "
                            f"GROUP BY days, bucket, {key_list}"
                        ),
                        {"mark": mark},
                    )
                    rows = blocks.all()
                    assert rows, cube
                    for row in rows[:: max(1, len(rows) // 40)]:
                        days, start, *rest = row
                        key = rest[: len(keys)]
                        where = " AND ".join(f"{k} = :k{i}" for i, k in enumerate(keys))
                        params = {f"k{i}": v for i, v in enumerate(key)}
                        day_sums = await session.execute(
                            text(
                                f"SELECT {sums} FROM rollup_{cube}_day WHERE {where} "
                                "AND bucket >= :lo AND bucket < :hi"
                            ),
                            {**params, "lo": start, "hi": start + days * DAY},
                        )
                        expected = [int(v or 0) for v in day_sums.one()]
                        assert [int(v) for v in rest[len(keys) :]] == expected, (cube, row)
        finally:
            await db.dispose()

    asyncio.run(check())
