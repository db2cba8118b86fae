"""Click retention on PostgreSQL: dropping a day partition vs the batched delete (ADR 0106).

``make bench BENCH=partitions`` (or ``python -m bench partitions``). Needs PostgreSQL: the
admin URL in CLICKTRAIL_BENCH_POSTGRES_URL, else CLICKTRAIL_TEST_POSTGRES_URL, else
postgresql+asyncpg://postgres@127.0.0.1:5432/postgres; every database it creates is a
scratch one, dropped at the end.

In one run:

1. Purge. Two databases: one migrated to head (clicks partitioned by day), one to 0025 (the
   plain table of before). Each gets the same day of clicks ``ROWS`` (1,000,000 by default,
   CLICKTRAIL_BENCH_PARTITION_ROWS), one in a thousand converted, written by one
   ``INSERT ... SELECT generate_series`` 100 days ago, then ``VACUUM ANALYZE`` (what
   autovacuum has long done to a day past retention). The retention code then purges it
   (``purge_expired``, 90 days): on the partitioned table it drops the day's partition, on
   the plain one it runs today's batched delete (5,000 clicks a transaction). Timed, and the
   converted clicks counted afterwards on both.
2. Click rate. ``clicktrail serve`` on a partitioned and on a plain database, alternately,
   four times each (medians compared: the box is shared), loaded by wrk exactly as
   bench/click.py loads its PostgreSQL target (its machinery is reused); every
   acknowledged click is counted in the database.

The results replace the "Click retention on PostgreSQL" section of docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from bench import click as click_bench
from bench.common import DOC, PG_DEFAULT, machine, pg_admin

SECTION = "## Click retention on PostgreSQL"
ROWS = int(os.environ.get("CLICKTRAIL_BENCH_PARTITION_ROWS", "1000000"))
RETENTION_DAYS = 90
AGE_DAYS = 100
#: The revision before 0030: the plain click table.
FLAT = "0025"
ROUNDS = 4
ANALYSIS = """\
Reading: the partitioned purge's time includes a `count(*)` of the day, taken for the log
outside the transaction that locks the table; the drop itself is a catalog change, while
the batched delete marks every row dead, logs each one, and leaves a million dead tuples
to vacuum. On the click rate, rounds of the
same target differ more than the two targets do (the box's load average was several times
its core count): the medians and clicktrail's own CPU per click (server column) show no
cost of partitioning, and no acknowledged click was lost (stored >= 302s in every round).
The PostgreSQL backend's CPU (where a COPY row is routed to its partition) is not counted
here.
"""


@dataclass
class Purge:
    name: str
    seconds: float
    purged: int
    converted_left: int
    seed_seconds: float


def _admin_url() -> str:
    return (
        os.environ.get("CLICKTRAIL_BENCH_POSTGRES_URL")
        or os.environ.get("CLICKTRAIL_TEST_POSTGRES_URL")
        or PG_DEFAULT
    )


def _scratch(admin: str, label: str) -> str:
    name = f"ct_bench_partitions_{label}_{os.getpid()}"
    asyncio.run(pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}"'))
    asyncio.run(pg_admin(admin, f'CREATE DATABASE "{name}"'))
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def _drop(admin: str, url: str) -> None:
    name = make_url(url).database
    asyncio.run(pg_admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def _migrated_to(revision: str) -> Iterator[None]:
    """bench/click.py migrates its database to head; pin it to ``revision`` instead."""
    import clicktrail.migrations as migrations

    original = migrations.upgrade

    def pinned(url: str, _revision: str = "head") -> None:
        original(url, revision)

    migrations.upgrade = pinned  # type: ignore[assignment]
    try:
        yield
    finally:
        migrations.upgrade = original


@contextlib.contextmanager
def _patient_start() -> Iterator[None]:
    """bench/click.py gives a server 30 s to start; on a loaded box it may need more."""
    original = click_bench._wait_ready

    def patient(port: int, path: str, timeout: float = 30.0) -> None:
        original(port, path, max(timeout, 180.0))

    click_bench._wait_ready = patient
    try:
        yield
    finally:
        click_bench._wait_ready = original


def _seed_sql(day: datetime, rows: int) -> tuple[str, dict[str, Any]]:
    """One INSERT ... SELECT writing ``rows`` clicks spread over ``day``; every column not
    varied takes its model default."""
    from clicktrail.models import Click

    table = cast(Table, Click.__table__)
    varied = {
        "transaction_id": "md5(g::text)",
        "created_at": "CAST(:day AS timestamptz) + g * interval '86 milliseconds'",
        "network_offer_id": "1 + g % 20",
        "network_affiliate_id": "1 + g % 50",
        "visitor_hash": "md5('v' || (g % 300000)::text)",
        "has_conversion": "g % 1000 = 0",
        "user_ip": "'203.0.113.' || (g % 250)::text",
        "sub1": "'s' || g::text",
        "user_agent": "'Mozilla/5.0 (X11; Linux x86_64) bench'",
        "tracking_url": "'http://track.example/c?oid=1&affid=1&sub1=' || g::text",
    }
    names: list[str] = []
    exprs: list[str] = []
    params: dict[str, Any] = {"day": day, "rows": rows}
    for column in table.columns:
        names.append(column.name)
        if column.name in varied:
            exprs.append(varied[column.name])
            continue
        default = column.default.arg if column.default is not None else None  # type: ignore[attr-defined]
        params[column.name] = None if callable(default) else default
        kind = column.type.compile(dialect=postgresql.dialect())  # type: ignore[no-untyped-call]
        exprs.append(f"CAST(:{column.name} AS {kind})")
    sql = (
        f"INSERT INTO click ({', '.join(names)}) SELECT {', '.join(exprs)} "
        "FROM generate_series(1, :rows) AS g"
    )
    return sql, params


async def _purge(name: str, url: str, revision: str) -> Purge:
    from clicktrail.click.tasks import ensure_partitions, purge_expired
    from clicktrail.db import Database
    from clicktrail.kit.timeutil import utcnow
    from clicktrail.migrations import upgrade

    await asyncio.to_thread(upgrade, url, revision)
    day = datetime.combine(utcnow().date() - timedelta(days=AGE_DAYS), datetime.min.time(), UTC)
    db = Database(url)
    try:
        async with db.connect_write() as conn:  # the day's partition, as the migration makes
            from clicktrail.click import partitions

            if await partitions.is_partitioned(conn):
                await partitions.create_day(conn, day.date())
        await ensure_partitions(db, 7)
        sql, params = _seed_sql(day, ROWS)
        started = time.perf_counter()
        async with db.connect_write() as conn:
            await conn.execute(text(sql), params)
        seeded = time.perf_counter() - started
        async with db.engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text("VACUUM ANALYZE click"))
        started = time.perf_counter()
        purged = await purge_expired(db, RETENTION_DAYS)
        seconds = time.perf_counter() - started
        async with db.engine.connect() as conn:
            left = int(await conn.scalar(text("SELECT count(*) FROM click")) or 0)
    finally:
        await db.dispose()
    return Purge(name, seconds, purged, left, seeded)


def _purges(admin: str) -> list[Purge]:
    results: list[Purge] = []
    for name, revision in (("day partition dropped", "head"), ("batched delete", FLAT)):
        url = _scratch(admin, "purge")
        try:
            results.append(asyncio.run(_purge(name, url, revision)))
            print(results[-1], flush=True)
        finally:
            _drop(admin, url)
    return results


def _rates(admin: str) -> list[click_bench.Target]:
    targets: list[click_bench.Target] = []
    with tempfile.TemporaryDirectory(prefix="ct-bench-partitions-") as tmp:
        directory = Path(tmp)
        city, asn, ips = click_bench._build_geo(directory)
        for round_ in range(1, ROUNDS + 1):
            for label, revision in (("plain table", FLAT), ("partitioned by day", "head")):
                url = _scratch(admin, "rate")
                try:
                    with _migrated_to(revision), _patient_start():
                        target = click_bench._clicktrail(
                            f"{label}, round {round_}", url, directory, city, asn, ips
                        )
                finally:
                    _drop(admin, url)
                targets.append(target)
                print(f"{target.name}: {target.peak} stored {target.stored}", flush=True)
    return targets


def _median(targets: list[click_bench.Target], label: str, value: str) -> float:
    values = [
        t.peak.rps if value == "rps" else t.cpu_main_us + t.cpu_children_us
        for t in targets
        if t.name.startswith(label)
    ]
    return statistics.median(values) if values else 0.0


def _ratios(targets: list[click_bench.Target]) -> str:
    plain, parted = "plain table", "partitioned by day"
    if not _median(targets, plain, "rps") or not _median(targets, plain, "cpu"):
        return "not measured."
    rps = (_median(targets, plain, "rps"), _median(targets, parted, "rps"))
    cpu = (_median(targets, plain, "cpu"), _median(targets, parted, "cpu"))
    return (
        f"median peak {rps[0]:,.0f} clicks/s plain, {rps[1]:,.0f} partitioned "
        f"(partitioned / plain {rps[1] / rps[0]:.2f}); median CPU of clicktrail per click "
        f"{cpu[0]:,.0f} µs plain, {cpu[1]:,.0f} µs partitioned "
        f"(partitioned / plain {cpu[1] / cpu[0]:.2f})."
    )


def _report(purges: list[Purge], rates: list[click_bench.Target], loads: list[float]) -> str:
    lines = [
        SECTION,
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench BENCH=partitions` "
        f"(`python -m bench partitions`) on {machine()}, PostgreSQL on the same box. "
        "1-minute load average at the start / after the purges / at the end: "
        + " / ".join(f"{load:.1f}" for load in loads)
        + f" on {os.cpu_count()} CPUs (other jobs shared the box: compare within the run).",
        "",
        f"Purge: one day of {ROWS:,} clicks ({ROWS // 1000:,} converted), {AGE_DAYS} days old, "
        f"seeded by one `INSERT ... SELECT generate_series` then `VACUUM ANALYZE`; "
        f"`purge_expired` with {RETENTION_DAYS} days of retention. Partitioned: the day's "
        "partition is detached, its converted clicks copied to the default partition, the "
        "table dropped, in one transaction (ADR 0106). Plain: the batched delete of 5,000 "
        "clicks a transaction (unchanged retention code).",
        "",
        "| purge | seconds | raw clicks purged | clicks left (converted) | seed seconds |",
        "|---|---|---|---|---|",
    ]
    lines += [
        f"| {p.name} | {p.seconds:.2f} | {p.purged:,} | {p.converted_left:,} "
        f"| {p.seed_seconds:.1f} |"
        for p in purges
    ]
    if len(purges) == 2 and purges[0].seconds > 0:
        lines += ["", f"Dropping the day is {purges[1].seconds / purges[0].seconds:,.0f}x faster."]
    lines += [
        "",
        "Click rate: `clicktrail serve` (one uvicorn worker) on PostgreSQL, loaded by wrk as in "
        'the "Click redirect" section (bench/click.py\'s machinery: tracking links with their '
        f"own sub1, geolocated, {click_bench.DURATION} s per measure after a "
        f"{click_bench.WARMUP} s warm-up, peak = best of "
        f"{' and '.join(map(str, click_bench.PEAK_CONNECTIONS))} connections), the plain table "
        "and the partitioned one alternately, each on a fresh database (partitioned: today's "
        "partition created ahead, the click writer COPYs into the parent).",
        "",
        "| target | peak clicks/s (conns) | peak p50 | peak p99 | half-load p99 "
        "| clicks stored / 302s | CPU µs per click: server / its children |",
        "|---|---|---|---|---|---|---|",
    ]
    for t in rates:
        half = f"{t.paced.p99_ms:.2f} ms" if t.paced else "-"
        lines.append(
            f"| {t.name} | {t.peak.rps:,.0f} ({t.peak.connections}) | {t.peak.p50_ms:.2f} ms "
            f"| {t.peak.p99_ms:.2f} ms | {half} | {t.stored:,} / {t.acknowledged:,} "
            f"| {t.cpu_main_us:,.0f} / {t.cpu_children_us:,.0f} |"
        )
    lines += [
        "",
        "Summary: " + _ratios(rates),
        "",
        ANALYSIS.strip(),
    ]
    return "\n".join(lines)


def _write_section(text_: str) -> None:
    current = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    start = current.find(SECTION)
    if start == -1:
        updated = current.rstrip("\n") + "\n\n" + text_
    else:
        after = current.find("\n## ", start + len(SECTION))
        updated = current[:start] + text_ + ("\n" + current[after + 1 :] if after != -1 else "")
    DOC.write_text(updated.rstrip("\n") + "\n")


def main() -> None:
    admin = _admin_url()
    loads = [os.getloadavg()[0]]
    purges = _purges(admin)
    loads.append(os.getloadavg()[0])
    rates = _rates(admin) if os.environ.get("CLICKTRAIL_BENCH_PARTITION_RATE", "1") == "1" else []
    loads.append(os.getloadavg()[0])
    report = _report(purges, rates, loads)
    print(report)
    if rates and len(purges) == 2 and ROWS == 1_000_000:  # a partial run publishes nothing
        _write_section(report)
