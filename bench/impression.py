"""Impression pixel benchmark: ``GET /i`` against the redirect click, same server, same run.

``make bench BENCH=impression`` (or ``python -m bench impression``). Needs ``wrk``;
PostgreSQL is measured when CLICKTRAIL_BENCH_POSTGRES_URL (an admin URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/postgres) is reachable.

The click bench's machinery (bench/click.py): ``clicktrail serve`` on 127.0.0.1 (one uvicorn
worker), generated .mmdb files, wrk on one thread with a Lua script giving every request
its own sub1, a rotating X-Forwarded-For and user agent. For each engine one server is
measured in turns: click, impression, impression, click (closed loop at 64 and 256
connections, the best of each); the figure is the ratio of the two in the same run, since
the machine is shared. Afterwards every acknowledged request is counted in the database.
The results replace the "Impressions" section of docs/benchmarks.md (ADR 0102).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import func, select

from bench import click
from bench.common import DOC, PG_DEFAULT

SECTION = "## Impressions"
PG_ENV = "CLICKTRAIL_BENCH_POSTGRES_URL"
GOAL = 1.0


async def _count(url: str) -> tuple[int, int]:
    from clicktrail.db import Database
    from clicktrail.models import Click, Impression

    db = Database(url)
    try:
        async with db.read() as session:
            clicks = (await session.execute(select(func.count()).select_from(Click))).scalar_one()
            views = (
                await session.execute(select(func.count()).select_from(Impression))
            ).scalar_one()
            return int(clicks), int(views)
    finally:
        await db.dispose()


def _engine(name: str, url: str, directory: Path, city: Path, asn: Path, ips: list[str]) -> str:
    offer_id, affiliate_id = asyncio.run(click._seed(url))
    port = click._free_port()
    process = click._serve(url, port, city, asn, directory / f"{name}.log", "FULL", False)
    links = {
        "click": f"/c?oid={offer_id}&affid={affiliate_id}",
        "impression": f"/i?oid={offer_id}&affid={affiliate_id}",
    }
    best: dict[str, click.Target] = {}
    answered = {"click": 0, "impression": 0}
    try:
        click._wait_ready(port, "/healthz")
        for kind in ("click", "impression", "impression", "click"):
            click.ANSWERED[0] = 0
            target = click._measure(port, directory, links[kind], ips, False, process.pid)
            answered[kind] += click.ANSWERED[0]
            if kind not in best or target.peak.rps > best[kind].peak.rps:
                best[kind] = target
            print(f"{name} {kind}: {target.peak}", flush=True)
    finally:
        click._stop(process)
    stored_clicks, stored_views = asyncio.run(_count(url))
    ratio = best["impression"].peak.rps / max(best["click"].peak.rps, 1.0)
    rows = []
    for kind, stored in (("click", stored_clicks), ("impression", stored_views)):
        peak = best[kind].peak
        rows.append(
            f"| {name} | {kind} | {peak.rps:,.0f} | {peak.connections} | {peak.p50_ms:.1f} | "
            f"{peak.p99_ms:.1f} | {best[kind].cpu_main_us:.0f} | "
            f"{best[kind].cpu_children_us:.0f} | {stored:,} >= {answered[kind]:,} |"
        )
    rows.append(f"| {name} | **impression / click** | **{ratio:.2f}** | | | | | | |")
    return "\n".join(rows)


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("the impression bench needs wrk: apt-get install -y wrk")
    load_start = os.getloadavg()[0]
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ct-bench-imp-") as tmp:
        directory = Path(tmp)
        city, asn, ips = click._build_geo(directory)
        sqlite_url = f"sqlite+aiosqlite:///{directory / 'bench-imp.db'}"
        rows.append(_engine("SQLite FULL", sqlite_url, directory, city, asn, ips))
        created = click._pg_database(os.environ.get(PG_ENV, PG_DEFAULT))
        if created is not None:
            pg_url, admin = created
            try:
                rows.append(_engine("PostgreSQL", pg_url, directory, city, asn, ips))
            finally:
                click._drop_pg(admin, pg_url)
    load_end = os.getloadavg()[0]
    text = (
        f"{SECTION}\n\n"
        "Command: `make bench BENCH=impression`. Machine: "
        f"{click._machine()}; load average (1 min) {load_start:.2f} at the start, "
        f"{load_end:.2f} at the end. One `clicktrail serve` worker per engine, rate limits "
        "off, wrk 1 thread on the same box, closed loop at 64 and 256 connections (the best "
        "of each), measured in turns click, impression, impression, click on the same server "
        f"and database. Goal: impression / click >= {GOAL:.1f} (an impression needs no "
        "uniqueness lookup and answers a GIF after its commit, ADR 0102).\n\n"
        "| engine | request | req/s | connections | p50 ms | p99 ms | CPU us/req (server) "
        "| CPU us/req (writer) | stored >= acknowledged |\n"
        "|---|---|---:|---:|---:|---:|---:|---:|---|\n" + "\n".join(rows) + "\n"
    )
    print(text)
    _write_section(text)


def _write_section(text: str) -> None:
    current = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    start = current.find(SECTION)
    if start == -1:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        after = current.find("\n## ", start + len(SECTION))
        updated = current[:start] + text + ("\n" + current[after + 1 :] if after != -1 else "")
    DOC.write_text(updated.rstrip("\n") + "\n")
