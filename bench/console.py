"""Server time of the console's dashboard and report page on the 10M-click report data.

    make bench BENCH=console          # or: .venv/bin/python -m bench console

``BENCH_CONSOLE_ENGINES=sqlite`` measures one engine only. The data is the
aggregated-report benchmark's (``bench/report.py``: rollups of
``BENCH_REPORT_CLICKS`` clicks, default 10,000,000, over the 90 days before today), reused
when that benchmark already built it today, else generated. Offers, affiliates and
advertisers get names (the pages show them), and an admin user is signed in.

Each page is requested in-process through the whole application (ASGI: the web app's
routing, the session and role check, the report queries, the template), without the
network: that is the server's time. One request warms up, then ``REPEAT`` are timed and
the median is reported. Results go to the "Console pages" section of docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.common import DOC, PG_DEFAULT, ROOT, machine, write_section
from bench.report import PG_ENV, PostgresTarget, SqliteTarget, _ensure_coarse
from bench.report_data import DAY, Shape, generate
from clicktrail.app import create_app
from clicktrail.config import Settings
from clicktrail.migrations import upgrade
from clicktrail.models import Advertiser, Affiliate, Offer
from clicktrail.ops.runtime import tune_gc
from clicktrail.users.service import create_user, start_session
from clicktrail.web.guard import SESSION_COOKIE

SECTION = "## Console pages"
REPEAT = 5
GOAL_MS = 300
#: Which engines to measure (comma-separated: sqlite, postgresql); both by default.
ENGINES_ENV = "BENCH_CONSOLE_ENGINES"


def _log(message: str) -> None:
    print(f"  {message}", flush=True)


async def _prepare(shape: Shape, engines: list[str]) -> tuple[dict[str, str], str]:
    """The report benchmark's data on each engine asked for (generated if missing): the
    URL per engine and the data's first day."""
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    start_dt = today - timedelta(days=shape.days)
    tag = f"{shape.tag}_{start_dt:%Y%m%d}"
    chosen: dict[str, Any] = {}
    if "sqlite" in engines:
        chosen["sqlite"] = SqliteTarget(ROOT / "var" / "bench" / f"report-{tag}.db")
    if "postgresql" in engines:
        chosen["postgresql"] = PostgresTarget(os.environ.get(PG_ENV, PG_DEFAULT), tag)
    start = int(start_dt.timestamp())
    targets: list[Any] = []
    for engine, target in chosen.items():
        ready = target.ready(tag) if engine == "sqlite" else await target.ready_async(tag)
        if not ready:
            targets.append(target)
    if targets:
        _log(f"generating {shape.clicks:,} clicks over {shape.days} days ({tag})")
        for target in targets:
            await target.open()
        for batch in generate(shape, start, _log):
            for target in targets:
                await target.write(batch)
        for target in targets:
            await target.finish(tag, start + shape.days * DAY)
    for target in chosen.values():
        await asyncio.to_thread(upgrade, target.url)
        await _ensure_coarse(target.url, start, shape.days)
    return {engine: target.url for engine, target in chosen.items()}, start_dt.date().isoformat()


async def _names(settings: Settings, shape: Shape) -> None:
    """Name the data's advertisers, offers and affiliates (ids as the generator uses them)."""
    app = create_app(settings)
    await app.state.start()
    try:
        async with app.state.db.write() as session:
            if await session.scalar(select(func.count()).select_from(Offer)):
                return
            now = datetime.now(UTC)
            stamps = {"time_created": now, "time_saved": now}
            session.add_all(
                Advertiser(network_advertiser_id=i, name=f"Advertiser {i}", **stamps)
                for i in range(1, 21)
            )
            await session.flush()
            session.add_all(
                Offer(
                    network_offer_id=i,
                    name=f"Offer {i}",
                    network_advertiser_id=1 + i % 20,
                    destination_url="https://example.com/?t={transaction_id}",
                    **stamps,
                )
                for i in range(1, shape.offers + 1)
            )
            session.add_all(
                Affiliate(network_affiliate_id=i, name=f"Partner {i}", **stamps)
                for i in range(1, shape.affiliates + 1)
            )
    finally:
        await app.state.stop()


def _pages(first_day: str) -> list[tuple[str, str]]:
    today = datetime.now(UTC).date()
    month_ago = (today - timedelta(days=29)).isoformat()
    return [
        ("dashboard `/app/`", "/app/"),
        ("reports, default (offer, last 7 days)", "/app/reports"),
        ("reports: date, last 30 days", f"/app/reports?group=date&from={month_ago}"),
        (
            "reports: date, 90 days, New York",
            f"/app/reports?group=date&from={first_day}&tz=80&metric=revenue",
        ),
        ("reports: affiliate, 90 days", f"/app/reports?group=affiliate&from={first_day}"),
        (
            "reports: offer + affiliate, 30 days",
            f"/app/reports?group=offer&group=affiliate&from={month_ago}",
        ),
        (
            "reports: date + country, 30 days",
            f"/app/reports?group=date&group=country&from={month_ago}",
        ),
    ]


async def _measure(
    url: str, pages: list[tuple[str, str]], shape: Shape
) -> dict[str, tuple[float, float]]:
    settings = Settings(database_url=url, log_level="WARNING", worker_enabled=False)
    await _names(settings, shape)
    app = create_app(settings)
    await app.state.start()
    out: dict[str, tuple[float, float]] = {}
    try:
        async with app.state.db.write() as session:
            email = f"bench-{time.time_ns()}@example.com"
            user, _password = await create_user(session, email=email, role="admin")
            _web, token = await start_session(session, user)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://bench.test",
            cookies={SESSION_COOKIE: token},
        ) as client:
            tune_gc()  # as the server does at start (ADR 0060)
            for name, path in pages:
                times, cpu = [], []
                for _ in range(REPEAT + 1):
                    t0, c0 = time.perf_counter(), time.process_time()
                    response = await client.get(path)
                    times.append(time.perf_counter() - t0)
                    cpu.append(time.process_time() - c0)
                    if response.status_code != 200:
                        raise RuntimeError(f"{path}: {response.status_code} {response.text[:300]}")
                out[name] = (
                    statistics.median(times[1:]) * 1000,
                    statistics.median(cpu[1:]) * 1000,
                )
                _log(f"{name}: {out[name][0]:.0f} ms (CPU {out[name][1]:.0f} ms)")
    finally:
        await app.state.stop()
    return out


async def _run() -> list[str]:
    shape = Shape(clicks=int(os.environ.get("BENCH_REPORT_CLICKS", Shape.clicks)))
    engines = [e for e in os.environ.get(ENGINES_ENV, "sqlite,postgresql").split(",") if e]
    unknown = set(engines) - {"sqlite", "postgresql"}
    if unknown:
        raise SystemExit(f"{ENGINES_ENV}: unknown engine(s) {', '.join(sorted(unknown))}")
    t0 = time.perf_counter()
    urls, first_day = await _prepare(shape, engines)
    prepared = time.perf_counter() - t0
    pages = _pages(first_day)
    results: dict[str, dict[str, tuple[float, float]]] = {}
    for engine, url in urls.items():
        _log(engine)
        results[engine] = await _measure(url, pages, shape)
    lines = [
        SECTION,
        "",
        "Command: `make bench BENCH=console` (`.venv/bin/python -m bench console`), "
        f"{datetime.now(UTC):%Y-%m-%d}.",
        f"Machine: {machine()}; the databases on the same box. Load average after the run: "
        + ", ".join(f"{v:.1f}" for v in os.getloadavg())
        + ".",
        f"Data: the aggregated-report benchmark's rollups ({shape.clicks:,} clicks, "
        f"{shape.days} days before today, {shape.offers} offers, {shape.affiliates} "
        f"affiliates), prepared in {prepared:.0f} s (0 when reused). There is no traffic "
        "today in this data, so the dashboard's today reads empty hour rows.",
        "Time: one GET through the whole application in-process (web routing, session and "
        f"role check, reports, template), signed in as an admin; median of {REPEAT} after a "
        f"warm-up. GOAL: <= {GOAL_MS} ms each. CPU: the benchmark process's CPU time for "
        "the request (Python, and SQLite's own work on its thread; not PostgreSQL's "
        "server), the figure a busy machine inflates least.",
        "",
        "| page | " + " | ".join(f"{e} ms | {e} CPU ms" for e in results) + " |",
        "|---|" + "---:|---:|" * len(results),
    ]
    for name, _path in pages:
        cells = " | ".join(
            f"{results[e][name][0]:.0f} | {results[e][name][1]:.0f}" for e in results
        )
        lines.append(f"| {name} | {cells} |")
    return lines


def main() -> None:
    lines = asyncio.run(_run())
    print("\n".join(lines))
    write_section(DOC, SECTION, lines)
