"""Aggregated report latency over 90 days of rollups for 10M clicks, SQLite and PostgreSQL.

    make bench BENCH=report            # or: .venv/bin/python -m bench report

PostgreSQL: ``CLICKTRAIL_BENCH_POSTGRES_URL`` (default
``postgresql+asyncpg://postgres@127.0.0.1:5432/postgres``); a database
``bench_report_<tag>`` is created there and kept, like the SQLite file under
``var/bench/``, so a second run skips generation. ``BENCH_REPORT_CLICKS`` scales the data.
Each query runs once to warm up, then ``REPEAT`` times; the median is reported. Results go to
the "Aggregated reports" section of docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import statistics
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import orjson
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bench.common import DOC, PG_DEFAULT, ROOT, machine
from bench.report_data import DAY, Shape, columns, generate
from clicktrail.db import Database
from clicktrail.migrations import upgrade
from clicktrail.models.rollup import (
    BLOCK,
    BLOCK_DAYS,
    COARSE,
    DAY_COMPLETE_BEFORE,
    TABLES,
    table_name,
)
from clicktrail.ops.runtime import tune_gc
from clicktrail.report import service, timeplan
from clicktrail.report.compaction import compact_blocks, compact_coarse
from clicktrail.report.schemas import ReportIn

SECTION = "## Aggregated reports"
REPEAT = 3
PG_ENV = "CLICKTRAIL_BENCH_POSTGRES_URL"


NOTES = """\
Reading the table:
- Every report over compacted days reads a coarse cube (no entity keys, or one entity and one
  dimension: offer x country, offer x device type, affiliate x country, ADR 0045) and, for
  runs of whole days, its aligned blocks of 2 to 32 days (ADR 0046). How many blocks a
  90-day range takes depends on where it falls: 6.8 on average, 10 at most (the line above
  the table gives this run's); sub2, whose 9,901 values recur daily, reads one row per value
  per block or day. Hour rows fill the edges of non-UTC days. Offer x affiliate still reads
  the entity cube.
- The statement no longer computes totals and the row count with window functions over every
  group: the totals are the same report without columns (a sub1 report's come from the small
  offer cube) and `LIMIT 10001` tells an incomplete table. The coarse values cube keeps the
  empty value's rows, so a sub report no longer subtracts every value from the entity
  total. When one bucket alone holds more than 20,000 values and the solo path below cannot
  serve, the first pass ranks values by clicks and conversions only and the twelve sums are
  read for the 10,001 candidates. PostgreSQL runs reports without JIT, parallel workers or
  generic plans, with 64MB work_mem; text keys sort by code point on both.
- Before these changes (same data; docs/benchmarks.md of an earlier run, SQLite /
  PostgreSQL ms): offer x country 5006/766, sub2 2374/1497, sub1 hostile 1756/2299, sub1
  hostile (New York) 1730/1990, offer x affiliate 223/124, date + offer (NY) 390/434.
- Single-day values (ADR 0047): compaction marks a coarse values row solo when no other day
  has its value. A one-column value report with many values merges each bucket's solo rows
  from an index in report order (the hostile sub1 report reads ~10,000 of its 180,000 rows)
  and sums in full only the values of its other rows (recurring values, the empty value,
  `(other)`, hour rows), read per block as the block's rows that are not solo plus, where
  one of those values has its solo day, that row. In New York time a whole UTC day is read
  and its first hours subtracted, so ~2,000 values are summed in full.
- Same-session A/B on this data, runs interleaved (`report.service.run` + JSON, ms): sub1
  hostile in New York time on PostgreSQL 158-164 -> 114-119 (grouped values read by the
  solo flag instead of looked up in every block), then 108-111 -> 91-95 without parallel
  workers (affiliate x country 95-107 -> 84-91); network metrics for a table row 4.1 -> 2.8
  us (rounding by scaling, exact). An earlier session measured every report 2-3x slower
  on this box with the code of then (offer 34 ms where it took 9 here), so compare runs
  by the ratios of one run.
- sub2 on SQLite spends ~70 ms of its ~110 ms statement grouping ~89,000 rows (12 sums
  each) in a temporary B-tree; reading them takes ~20 ms.
- A capped report with a time column reads runs of its buckets from the first and stops
  at 10,001 rows (ADR 0048): date + sub2 in New York time needs two days, not 90, hour of
  day + sub2 two hours of every day (same session, before: 3780 / 3479 ms, 3964 / 2294
  ms; date + sub1 hostile 1204 / 1340 ms). Hour of day + sub1 (hostile) stays at ~560 /
  ~740 ms: its hour 0 alone holds every day's admitted click ids.
- Entity x sub reads the coarse cubes of values by affiliate and by offer (ADR 0049; same
  session, before: affiliate + sub2 2772 / 853 ms, offer + sub2 2972 / 1218 ms,
  affiliate + sub1 734 / 612 ms, offer + sub1 706 / 591 ms).
"""


def _log(message: str) -> None:
    print(f"  {message}", flush=True)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class SqliteTarget:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite+aiosqlite:///{path}"
        self.conn: sqlite3.Connection | None = None

    def ready(self, tag: str) -> bool:
        if not self.path.exists():
            return False
        conn = sqlite3.connect(self.path)
        try:
            row = conn.execute("SELECT value FROM bench_meta WHERE name = 'tag'").fetchone()
        except sqlite3.Error:
            return False
        finally:
            conn.close()
        return row is not None and row[0] == tag

    async def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.unlink(missing_ok=True)
        await asyncio.to_thread(upgrade, self.url)
        self.conn = sqlite3.connect(self.path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=OFF")

    async def write(self, batch: dict[str, list[tuple[object, ...]]]) -> None:
        assert self.conn is not None
        self.conn.execute("BEGIN")
        for table, rows in batch.items():
            cube = table.split("_")[1]
            names = columns(cube)
            sql = f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"
            self.conn.executemany(sql, rows)
        self.conn.execute("COMMIT")

    async def finish(self, tag: str, mark: int) -> None:
        assert self.conn is not None
        self.conn.execute(
            "INSERT INTO rollup_state (name, value) VALUES (?, ?)", (DAY_COMPLETE_BEFORE, mark)
        )
        self.conn.execute("ANALYZE")
        self.conn.execute("CREATE TABLE bench_meta (name TEXT PRIMARY KEY, value TEXT)")
        self.conn.execute("INSERT INTO bench_meta VALUES ('tag', ?)", (tag,))
        self.conn.close()


class PostgresTarget:
    def __init__(self, base: str, tag: str) -> None:
        self.name = f"bench_report_{tag}".lower()
        self.admin = _dsn(base)
        self.url = make_url(base).set(database=self.name).render_as_string(hide_password=False)
        self.conn: asyncpg.Connection | None = None

    async def ready_async(self, tag: str) -> bool:
        admin = await asyncpg.connect(self.admin)
        try:
            exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", self.name)
        finally:
            await admin.close()
        if not exists:
            return False
        conn = await asyncpg.connect(_dsn(self.url))
        try:
            value = await conn.fetchval("SELECT value FROM bench_meta WHERE name = 'tag'")
        except asyncpg.PostgresError:
            return False
        finally:
            await conn.close()
        return bool(value == tag)

    async def open(self) -> None:
        admin = await asyncpg.connect(self.admin)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            await admin.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await admin.close()
        await asyncio.to_thread(upgrade, self.url)
        self.conn = await asyncpg.connect(_dsn(self.url))

    async def write(self, batch: dict[str, list[tuple[object, ...]]]) -> None:
        assert self.conn is not None
        async with self.conn.transaction():
            for table, rows in batch.items():
                cube = table.split("_")[1]
                await self.conn.copy_records_to_table(table, records=rows, columns=columns(cube))

    async def finish(self, tag: str, mark: int) -> None:
        assert self.conn is not None
        await self.conn.execute(
            "INSERT INTO rollup_state (name, value) VALUES ($1, $2)", DAY_COMPLETE_BEFORE, mark
        )
        await self.conn.execute("CREATE TABLE bench_meta (name TEXT PRIMARY KEY, value TEXT)")
        await self.conn.execute("INSERT INTO bench_meta VALUES ('tag', $1)", tag)
        await self.conn.execute("VACUUM ANALYZE")
        await self.conn.close()


def _queries(
    start_day: str, end_day: str, affiliate_id: int
) -> list[tuple[str, dict[str, Any], int | None]]:
    def body(
        cols: list[str], tz: int = 67, filters: list[dict[str, str]] | None = None
    ) -> dict[str, Any]:
        return {
            "from": start_day,
            "to": end_day,
            "timezone_id": tz,
            "currency_id": "USD",
            "columns": [{"column": c} for c in cols],
            "query": {"filters": []},
        }

    return [
        ("1 col: offer (UTC)", body(["offer"]), None),
        ("1 col: affiliate (UTC)", body(["affiliate"]), None),
        ("1 col: offer (New York)", body(["offer"], 80), None),
        ("1 col: date (New York)", body(["date"], 80), None),
        ("1 col: country (UTC)", body(["country"]), None),
        ("2 col: offer + affiliate (UTC)", body(["offer", "affiliate"]), None),
        ("2 col: offer + affiliate (New York)", body(["offer", "affiliate"], 80), None),
        ("2 col: date + offer (UTC)", body(["date", "offer"]), None),
        ("2 col: date + offer (New York)", body(["date", "offer"], 80), None),
        ("2 col: offer + country (UTC)", body(["offer", "country"]), None),
        ("2 col: affiliate + country (UTC)", body(["affiliate", "country"]), None),
        ("2 col: offer + device type (UTC)", body(["offer", "device_type"]), None),
        ("2 col: date + country (New York)", body(["date", "country"], 80), None),
        ("2 col: date + sub2 (New York)", body(["date", "sub2"], 80), None),
        ("2 col: date + sub1 hostile (New York)", body(["date", "sub1"], 80), None),
        ("2 col: hour of day + sub2 (UTC)", body(["hour", "sub2"]), None),
        ("2 col: affiliate + sub2 (UTC)", body(["affiliate", "sub2"]), None),
        ("2 col: affiliate + sub1 hostile (UTC)", body(["affiliate", "sub1"]), None),
        ("2 col: offer + sub2 (UTC)", body(["offer", "sub2"]), None),
        ("2 col: offer + sub1 hostile (UTC)", body(["offer", "sub1"]), None),
        ("sub2 friendly, 20/affiliate (UTC)", body(["sub2"]), None),
        ("sub1 hostile, 1 value/click (UTC)", body(["sub1"]), None),
        ("sub1 hostile (New York)", body(["sub1"], 80), None),
        ("affiliate realm: sub1 hostile (UTC)", body(["sub1"]), affiliate_id),
        ("affiliate realm: date + offer (NY)", body(["date", "offer"], 80), affiliate_id),
    ]


def _create_coarse(conn: Any) -> None:
    for (cube, _grain), table in TABLES.items():
        if cube in COARSE:
            table.create(conn, checkfirst=True)


async def _empty(db: Database, grain: str) -> list[str]:
    empty: list[str] = []
    async with db.read() as session:
        for cube in COARSE:
            probe = text(f"SELECT 1 FROM {table_name(cube, grain)} LIMIT 1")
            if (await session.execute(probe)).first() is None:
                empty.append(cube)
    return empty


async def _ensure_coarse(url: str, start: int, days: int) -> None:
    """Build the coarse cubes that are still empty (or, for values, lack the empty value's
    rows) from their source cubes' hours, and the blocks still empty from the coarse day
    rows, as compaction would."""
    db = Database(url)
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(_create_coarse)
        empty = await _empty(db, "day")
        async with db.read() as session:
            probe = text("SELECT 1 FROM rollup_values_day WHERE value = '' LIMIT 1")
            if "values" not in empty and (await session.execute(probe)).first() is None:
                empty.append("values")
        if empty:
            _log(f"building the coarse cubes {', '.join(empty)}")
            for day in range(start, start + days * DAY, DAY):
                async with db.write() as session:
                    await compact_coarse(session, day, empty)
        blocks = [cube for cube in await _empty(db, BLOCK) if cube not in empty]
        if blocks:
            _log(f"building the blocks of {', '.join(blocks)}")
            for day in range(start, start + days * DAY, DAY):
                async with db.write() as session:
                    await compact_blocks(session, day, blocks)
        if empty or blocks:
            # As the generator leaves its tables: statistics, and on PostgreSQL the
            # visibility map that index-only scans need.
            async with db.engine.connect() as conn:
                if db.is_sqlite:
                    await conn.execute(text("ANALYZE"))
                    await conn.commit()
                else:
                    conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                    await conn.execute(text("VACUUM ANALYZE"))
    finally:
        await db.dispose()


async def _measure(
    url: str, queries: list[tuple[str, dict[str, Any], int | None]]
) -> dict[str, tuple[float, int]]:
    tune_gc()  # as the server does at start (ADR 0060)
    db = Database(url)
    out: dict[str, tuple[float, int]] = {}
    try:
        for name, raw, affiliate_id in queries:
            body = ReportIn.model_validate(raw)
            times = []
            rows = 0
            for _ in range(REPEAT + 1):
                t0 = time.perf_counter()
                async with db.read() as session:
                    report = await service.run(session, body, affiliate_id=affiliate_id)
                orjson.dumps(list(service.table(report, affiliate_id is not None)))
                times.append(time.perf_counter() - t0)
                rows = len(report.rows)
            out[name] = (statistics.median(times[1:]) * 1000, rows)
            _log(f"{name}: {out[name][0]:.0f} ms, {rows} rows")
    finally:
        await db.dispose()
    return out


async def _row_counts(target: SqliteTarget) -> dict[str, int]:
    conn = sqlite3.connect(target.path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name LIKE 'rollup_%_%'"
            )
        ]
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in sorted(tables)}
    finally:
        conn.close()


async def _run() -> str:
    shape = Shape(clicks=int(os.environ.get("BENCH_REPORT_CLICKS", Shape.clicks)))
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start_dt = today - timedelta(days=shape.days)
    tag = f"{shape.tag}_{start_dt:%Y%m%d}"
    sqlite_target = SqliteTarget(ROOT / "var" / "bench" / f"report-{tag}.db")
    pg_target = PostgresTarget(os.environ.get(PG_ENV, PG_DEFAULT), tag)
    start = int(start_dt.timestamp())
    need_sqlite = not sqlite_target.ready(tag)
    need_pg = not await pg_target.ready_async(tag)
    gen_seconds = 0.0
    if need_sqlite or need_pg:
        _log(f"generating {shape.clicks:,} clicks over {shape.days} days ({tag})")
        t0 = time.perf_counter()
        targets: list[Any] = []
        if need_sqlite:
            targets.append(sqlite_target)
        if need_pg:
            targets.append(pg_target)
        for target in targets:
            await target.open()
        for batch in generate(shape, start, _log):
            for target in targets:
                await target.write(batch)
        for target in targets:
            await target.finish(tag, start + shape.days * DAY)
        gen_seconds = time.perf_counter() - t0
        _log(f"generated in {gen_seconds:.0f} s")
    for url in (sqlite_target.url, pg_target.url):
        # Data kept from an earlier run gets the migrations added since (a no-op at head).
        t0 = time.perf_counter()
        await asyncio.to_thread(upgrade, url)
        if (spent := time.perf_counter() - t0) > 1:
            _log(f"migrated {make_url(url).get_backend_name()} data in {spent:.0f} s")
        await _ensure_coarse(url, start, shape.days)
    start_day = start_dt.date().isoformat()
    end_day = (today - timedelta(days=1)).date().isoformat()
    queries = _queries(start_day, end_day, affiliate_id=1)
    _log("SQLite")
    lite = await _measure(sqlite_target.url, queries)
    _log("PostgreSQL")
    pg = await _measure(pg_target.url, queries)
    # Counted last: scanning every table evicts the measured ones from the page cache.
    counts = await _row_counts(sqlite_target)
    version = await _pg_version()
    span = timeplan.blocks(start, start + shape.days * DAY, BLOCK_DAYS)
    pieces = [(hi - lo) // DAY for lo, hi in span]
    return _section(shape, counts, lite, pg, gen_seconds, start_day, end_day, version, pieces)


async def _pg_version() -> str:
    conn = await asyncpg.connect(_dsn(os.environ.get(PG_ENV, PG_DEFAULT)))
    try:
        return str(await conn.fetchval("SHOW server_version"))
    finally:
        await conn.close()


def _section(
    shape: Shape,
    counts: dict[str, int],
    lite: dict[str, tuple[float, int]],
    pg: dict[str, tuple[float, int]],
    gen_seconds: float,
    start_day: str,
    end_day: str,
    pg_version: str,
    pieces: list[int],
) -> str:
    lines = [
        SECTION,
        "",
        "Command: `make bench BENCH=report` (`.venv/bin/python -m bench report`).",
        f"Machine: {machine()}; SQLite {sqlite3.sqlite_version}; PostgreSQL {pg_version}"
        " on the same box.",
        f"Data: {shape.clicks:,} clicks and ~{shape.conversions:,} conversions over "
        f"{shape.days} days ({start_day} .. {end_day}), {shape.offers} offers, "
        f"{shape.affiliates} affiliates, {shape.pairs} offer x affiliate pairs (Zipf); sub1 is "
        f"hostile (a new value per click; {shape.values_per_day}/day and "
        f"{shape.values_per_affiliate}/affiliate/day admitted, the rest is `(other)`), sub2 "
        "friendly (20 values per affiliate). Rollups written directly by `bench/report_data.py`"
        + (f" in {gen_seconds:.0f} s." if gen_seconds else " (reused from an earlier run)."),
        "Rollup rows: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()) + ".",
        f"Blocks and days of this range (UTC): {' + '.join(str(n) for n in pieces)}"
        f" ({len(pieces)} reads per value).",
        f"Latency: `report.service.run` + JSON encoding, in-process with the server's GC tuning"
        f" (ADR 0060), median of {REPEAT} after a warm-up, 90-day range."
        " GOAL: 1 column <= 200 ms, 2 columns <= 500 ms.",
        "",
        "| report (90 days) | rows | SQLite ms | PostgreSQL ms | PG / SQLite |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, (ms, rows) in lite.items():
        pg_ms = pg[name][0]
        lines.append(f"| {name} | {rows:,} | {ms:.0f} | {pg_ms:.0f} | {pg_ms / ms:.2f} |")
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    lines += ["", f"Load average after the run: {load}.", "", NOTES]
    return "\n".join(lines)


def _write_section(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
    if SECTION in doc:
        head, _, rest = doc.partition(SECTION)
        nxt = rest.find("\n## ")
        tail = rest[nxt + 1 :] if nxt >= 0 else ""
        doc = head + text + ("\n" + tail if tail else "")
    else:
        doc = doc.rstrip("\n") + "\n\n" + text
    DOC.write_text(doc, encoding="utf-8")


def main() -> None:
    text = asyncio.run(_run())
    print(text)
    _write_section(text)
