"""Advertiser postbacks per second, with click lookup, on SQLite and PostgreSQL.

For each database: migrate a fresh one, seed an offer and N clicks, start ``clicktrail
serve`` on a free loopback port, and load ``GET /?nid=1&transaction_id=…&amount=…`` with
``wrk`` (every request converts a different click: lookup, rules, pricing, insert, click
update, rollup, outbox, commit). Each database is measured twice in the same run: with the
group-commit writer (batches up to 1000) and with batches of 1 (one commit per postback),
and the ratio is reported. One more run has caps enabled on the offer (conversion, payout
and revenue caps in every period, and a custom cap setting for the affiliate, none of them
reached) and a custom payout for the affiliate, to show what checking and counting caps and
pricing through the custom settings cost in the batch (issue 18's budget: 0.8x the rate
without). ``CLICKTRAIL_BENCH_CAPS_ONLY=1`` runs only that pair. Afterwards
the database must hold at least as many conversions
as wrk counted 2xx answers (an acknowledged postback is committed).

Needs ``wrk`` (``apt-get install -y wrk``). PostgreSQL: CLICKTRAIL_BENCH_POSTGRES_URL
(default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres; skipped if unreachable).
``CLICKTRAIL_BENCH_CUSTOM_PAYOUT=1`` also gives the offer of every other run a custom payout
for its affiliate (ADR 0094).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import asyncpg
from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import make_url

from bench.common import (
    DOC,
    PG_DEFAULT,
    ROOT,
    add_offer_and_affiliate,
    free_port,
    machine,
    pg_admin,
    wait_ready,
)
from clicktrail.db import Database
from clicktrail.migrations import upgrade
from clicktrail.models import (
    Click,
    Conversion,
    CustomCapSetting,
    CustomPayoutRevenue,
    Offer,
    OfferPayoutRevenue,
)

SECTION = "## Advertiser postbacks"
CLICKS = 100_000
DURATION = 8
#: (batch max, wrk connections, server processes, rate limits on, caps on) per database, in
#: this order. The same run with rate limits off (CLICKTRAIL_RATE_LIMITS=false) shows their
#: cost; the one with caps on, what caps cost.
Run = tuple[int, int, int, bool, bool]
CAPS_PAIR: tuple[Run, ...] = ((1000, 256, 1, True, False), (1000, 256, 1, True, True))
RUNS: tuple[Run, ...] = (
    (1, 64, 1, True, False),
    (1000, 64, 1, True, False),
    (1000, 256, 1, True, False),
    (1000, 256, 1, False, False),
    (1000, 256, 2, True, False),
    (1000, 512, 1, True, False),
    (1000, 256, 1, True, True),
)
#: Caps high enough never to be reached: the work of checking them, not of refusing.
NEVER_REACHED = 10**9

LUA = """
local counter = 0
local threads = 0
function setup(thread)
  thread:set("base", threads * %(stride)d)
  threads = threads + 1
end
function init(args)
  base = tonumber(base)
end
function request()
  local tid = string.format("%%032x", base + counter)
  counter = counter + 1
  return wrk.format("GET", "/?nid=1&transaction_id=" .. tid .. "&amount=19.90&adv1=bench")
end
"""


@dataclass
class Result:
    database: str
    batch: int
    connections: int
    workers: int
    cpu_us: float  # server CPU (every process of the server) per request
    requests: int
    non_2xx: int
    rps: float
    p50_ms: float
    p99_ms: float
    stored: int
    limits: bool = True
    caps: bool = False


def _caps() -> dict[str, object]:
    return {
        f"{period}_{metric}_cap": NEVER_REACHED
        for period in ("daily", "weekly", "monthly", "global")
        for metric in ("conversion", "payout", "revenue")
    }


async def _seed(url: str, clicks: int, *, caps: bool = False) -> None:
    db = Database(url, sqlite_synchronous="NORMAL")
    now = datetime.now(UTC)
    try:
        async with db.write() as session:
            offer, aff = await add_offer_and_affiliate(
                session,
                OfferPayoutRevenue(event_id=0, payout_amount=5, revenue_amount=8, is_default=True),
            )
            offer_id, aff_id = offer.network_offer_id, aff.network_affiliate_id
            # The rules variant (issue 18): caps on the offer and a custom cap and a custom
            # payout for its affiliate, so every postback is capped and custom-priced.
            if caps or os.environ.get("CLICKTRAIL_BENCH_CUSTOM_PAYOUT") == "1":
                session.add(
                    CustomPayoutRevenue(
                        network_offer_id=offer_id,
                        network_affiliate_ids=[aff_id],
                        is_custom_payout_enabled=True,
                        payout_type="cpa",
                        payout_amount=Decimal(6),
                        time_created=now,
                        time_saved=now,
                    )
                )
            if caps:
                await session.execute(
                    update(Offer)
                    .where(Offer.network_offer_id == offer_id)
                    .values(is_caps_enabled=True, **_caps())
                )
                session.add(
                    CustomCapSetting(
                        network_offer_id=offer_id,
                        network_affiliate_id=aff_id,
                        time_created=now,
                        time_saved=now,
                        **_caps(),
                    )
                )
        chunk = 5000
        for start in range(0, clicks, chunk):
            rows = [
                {
                    "transaction_id": f"{i:032x}",
                    "created_at": now,
                    "network_offer_id": offer_id,
                    "network_affiliate_id": aff_id,
                    "network_advertiser_id": 1,
                    "sub1": f"s{i}",
                    "country_code": "US",
                }
                for i in range(start, min(start + chunk, clicks))
            ]
            async with db.write() as session:
                await session.execute(insert(Click), rows)
    finally:
        await db.dispose()


async def _count(url: str) -> int:
    db = Database(url)
    try:
        async with db.read() as session:
            return int(await session.scalar(select(func.count()).select_from(Conversion)) or 0)
    finally:
        await db.dispose()


def _parse_wrk(text: str) -> tuple[int, int, float, float, float]:
    def ms(value: str) -> float:
        number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
        return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]

    requests = int(re.search(r"(\d+) requests in", text).group(1))  # type: ignore[union-attr]
    non = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: .*timeout (\d+)", text)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]
    p50 = ms(re.search(r"\n\s+50%\s+(\S+)", text).group(1))  # type: ignore[union-attr]
    p99 = ms(re.search(r"\n\s+99%\s+(\S+)", text).group(1))  # type: ignore[union-attr]
    failed = (int(non.group(1)) if non else 0) + (int(errors.group(1)) if errors else 0)
    return requests, failed, rps, p50, p99


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by ``pid`` and its children (uvicorn workers, the SQLite click
    writer)."""
    total = 0.0
    pending = [pid]
    tick = os.sysconf("SC_CLK_TCK")
    while pending:
        current = pending.pop()
        try:
            stat = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            continue
        total += (int(stat[11]) + int(stat[12])) / tick
        pending += [int(c) for c in children]
    return total


def _warm_up(port: int) -> None:
    """One postback (an unknown click: stored as invalid) waits for a writer process to
    start; the pause lets every server process's writer process start (2 s after start)."""
    url = f"http://127.0.0.1:{port}/?nid=1&transaction_id={'f' * 32}"
    with urllib.request.urlopen(url, timeout=60):
        pass
    time.sleep(3)


def _run_one(name: str, url: str, run: Run, workdir: Path) -> Result:
    batch, connections, workers, limits, caps = run
    asyncio.run(_seed(url, CLICKS, caps=caps))
    port = free_port()
    env = {
        **os.environ,
        "CLICKTRAIL_DATABASE_URL": url,
        "CLICKTRAIL_WORKER_ENABLED": "false",
        "CLICKTRAIL_LOG_LEVEL": "WARNING",
        "CLICKTRAIL_AUTO_MIGRATE": "false",
        "CLICKTRAIL_CONVERSION_BATCH_MAX": str(batch),
        "CLICKTRAIL_SQLITE_SYNCHRONOUS": "FULL",
        "CLICKTRAIL_RATE_LIMITS": "true" if limits else "false",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "clicktrail"),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=workdir,
    )
    try:
        wait_ready(port, server)
        _warm_up(port)
        script = workdir / "postback.lua"
        script.write_text(LUA % {"stride": CLICKS // 2})
        cpu_before = _tree_cpu(server.pid)
        out = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{connections}",
                f"-d{DURATION}s",
                "--latency",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
            check=True,
            timeout=DURATION + 60,
        ).stdout
        cpu = _tree_cpu(server.pid) - cpu_before
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    (workdir / "wrk.txt").write_text(out)
    print(out, flush=True)
    requests, failed, rps, p50, p99 = _parse_wrk(out)
    stored = asyncio.run(_count(url))
    if requests >= CLICKS // 2:
        print(f"warning: {requests} requests may exceed the seeded clicks per thread")
    cpu_us = cpu / max(requests, 1) * 1e6
    return Result(
        name,
        batch,
        connections,
        workers,
        cpu_us,
        requests,
        failed,
        rps,
        p50,
        p99,
        stored,
        limits,
        caps,
    )


async def _component(url: str, *, stub: bool, batches: int = 12, size: int = 500) -> float:
    """In-process ``record_many`` (bulk) throughput over fresh clicks, batches of ``size``.

    ``stub`` replaces the rollup and outbox calls with no-ops, to show what the conversion
    path itself costs and what those two per-conversion calls add.
    """
    from clicktrail.conversion import service
    from clicktrail.conversion.draft import ConversionDraft
    from clicktrail.postback import outbox
    from clicktrail.report import rollup

    async def _nothing(*_args: object, **_kwargs: object) -> int:
        return 0

    saved = (rollup.apply_conversion_rows, outbox.enqueue_for_conversions)
    if stub:
        rollup.apply_conversion_rows = _nothing  # type: ignore[assignment]
        outbox.enqueue_for_conversions = _nothing
    await _seed(url, batches * size)
    db = Database(url, sqlite_synchronous="FULL")
    try:
        started = time.perf_counter()
        for b in range(batches):
            drafts = [
                ConversionDraft(
                    source="postback",
                    transaction_id=f"{i:032x}",
                    sale_amount=Decimal("19.90"),
                    verification_token="",
                    strict=False,
                )
                for i in range(b * size, (b + 1) * size)
            ]
            async with db.write() as session:
                await service.record_many(session, drafts, bulk=True)
        return batches * size / (time.perf_counter() - started)
    finally:
        rollup.apply_conversion_rows, outbox.enqueue_for_conversions = saved
        await db.dispose()


def _components() -> list[tuple[str, bool, float]]:
    found: list[tuple[str, bool, float]] = []
    for stub in (False, True):
        with tempfile.TemporaryDirectory(prefix="ct-bench-") as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/component.db"
            upgrade(url)
            found.append(("SQLite", stub, asyncio.run(_component(url, stub=stub))))
        pg = _pg_url()
        if pg is not None:
            try:
                found.append(("PostgreSQL", stub, asyncio.run(_component(pg[0], stub=stub))))
            finally:
                _pg_drop(pg)
    return found


def _sqlite(run: Run) -> Result:
    with tempfile.TemporaryDirectory(prefix="ct-bench-") as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        upgrade(url)
        return _run_one("SQLite (WAL, synchronous=FULL)", url, run, Path(tmp))


def _pg_url() -> tuple[str, str, str] | None:
    """(url, admin url, name) of a fresh migrated database, or None if unreachable."""
    base = os.environ.get("CLICKTRAIL_BENCH_POSTGRES_URL", PG_DEFAULT)
    name = f"ct_bench_{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(pg_admin(base, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL skipped: {exc}")
        return None
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    upgrade(url)
    return url, base, name


def _pg_drop(pg: tuple[str, str, str]) -> None:
    asyncio.run(pg_admin(pg[1], f'DROP DATABASE IF EXISTS "{pg[2]}" WITH (FORCE)'))


def _postgres(run: Run) -> Result | None:
    pg = _pg_url()
    if pg is None:
        return None
    try:
        with tempfile.TemporaryDirectory(prefix="ct-bench-") as tmp:
            return _run_one("PostgreSQL", pg[0], run, Path(tmp))
    finally:
        _pg_drop(pg)


def _write_doc(
    results: list[Result], components: list[tuple[str, bool, float]], command: str
) -> None:
    lines = [
        SECTION,
        "",
        f"Command: `{command}` ({datetime.now(UTC):%Y-%m-%d}). Machine: {machine()}; "
        f"load average before/after the run {LOAD[0]:.1f}/{os.getloadavg()[0]:.1f} (a "
        "shared box: other work running at the same time lowers every figure); "
        f"wrk (2 threads, {DURATION} s, the connections shown) on the same box as the server "
        "and the database.",
        "",
        "Each request converts a different seeded click: click lookup, rules, pricing, "
        "insert, `click.has_conversion`, rollup and outbox, then the commit before the answer. "
        "`batch 1` is one commit per postback (the writer with `CLICKTRAIL_CONVERSION_BATCH_MAX"
        "=1`); `group commit` is the default writer. `conns` are wrk's concurrent connections "
        "(advertisers' servers sending at once), `procs` the server processes (`serve "
        "--workers`), `CPU µs` the server's CPU time (all its processes, the SQLite engine "
        "included, PostgreSQL's backends not) per request. `stored` is the number of "
        "conversions in the database afterwards (it must be at least the 2xx answers); "
        "`failed` counts non-2xx answers and wrk timeouts (2 s).",
        "",
        "| database | writer | rate limits | caps | conns | procs | postbacks/s | p50 ms | "
        "p99 ms | CPU µs | requests | failed | stored |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        writer = "batch 1" if r.batch == 1 else f"group commit (≤{r.batch})"
        lines.append(
            f"| {r.database} | {writer} | {'on' if r.limits else 'off'} "
            f"| {'on' if r.caps else 'off'} | {r.connections} "
            f"| {r.workers} | {r.rps:,.0f} | "
            f"{r.p50_ms:.1f} | {r.p99_ms:.1f} | {r.cpu_us:.0f} | {r.requests:,} | "
            f"{r.non_2xx} | {r.stored:,} |"
        )
    lines.append("")
    for name in dict.fromkeys(r.database for r in results):
        runs = {
            (r.batch, r.connections, r.workers, r.limits, r.caps): r
            for r in results
            if r.database == name
        }
        single, group = runs.get((1, 64, 1, True, False)), runs.get((1000, 64, 1, True, False))
        if single is not None and group is not None:
            lines.append(
                f"- {name}: group commit / one commit per postback (64 connections) = "
                f"{group.rps / single.rps:.1f}x."
            )
        best = max(runs.values(), key=lambda r: r.rps)
        lines.append(
            f"- {name}: best in this run {best.rps:,.0f} postbacks/s ({best.connections} "
            f"connections, {best.workers} process(es)); the goal is 5,000."
        )
        on, off = runs.get((1000, 256, 1, True, False)), runs.get((1000, 256, 1, False, False))
        if on is not None and off is not None:
            lines.append(
                f"- {name}: rate limits on / off (256 connections) = {on.rps / off.rps:.2f}x "
                f"(CPU µs per postback {on.cpu_us:.0f} / {off.cpu_us:.0f}); the budget is "
                "0.95x (issue 14)."
            )
        one, two = runs.get((1000, 256, 1, True, False)), runs.get((1000, 256, 2, True, False))
        if one is not None and two is not None:
            lines.append(
                f"- {name}: two server processes / one (256 connections) = "
                f"{two.rps / one.rps:.2f}x."
            )
        capped = runs.get((1000, 256, 1, True, True))
        if one is not None and capped is not None:
            lines.append(
                f"- {name}: caps on / off (256 connections) = {capped.rps / one.rps:.2f}x "
                f"(CPU µs per postback {capped.cpu_us:.0f} / {one.cpu_us:.0f}); the budget is "
                "0.8x (issue 18)."
            )
    lines += [
        "",
        "Where the time goes (same run, in-process `service.record_many(..., bulk=True)`, "
        "batches of 500 fresh clicks, no HTTP): with the real `report.rollup."
        "apply_conversion_rows` and `postback.outbox.enqueue_for_conversions`, and with both "
        "replaced by no-ops.",
        "",
        "| database | rollup + outbox | conversions/s |",
        "|---|---|---|",
    ]
    for name, stub, rate in components:
        lines.append(f"| {name} | {'no-ops' if stub else 'real'} | {rate:,.0f} |")
    lines += [
        "",
        "Reading the tables: a group-commit batch can only hold the postbacks in flight, so "
        "with 64 connections batches stay near 30 and the per-batch cost dominates; with 256 "
        "and more they grow to a few hundred. Each server process hands its postbacks to a "
        "writer process of its own (ADR 0026), which records the batches on the other core; "
        "`CPU µs` counts both. Past about 5,000/s the writer process's one thread is the "
        "limit on SQLite (pricing, the 49-column insert, rollup keys, SQLite's own work on "
        "its thread); on PostgreSQL it also waits for the database's statements, so more "
        "connections (bigger batches) or a second server process add throughput. On SQLite "
        "a second server process means a second writer process taking turns on the one "
        "write lock with half-size batches, which loses; one process is the setting there. "
        "A batch also has a fixed cost of a few milliseconds of CPU (about fifteen "
        "statements), which is what `batch 1` shows. The "
        "in-process rates above are the writer's ceiling without HTTP. wrk and the database "
        "share the same 2 cores. Figures move 20-40% with the load of other work on this "
        "shared box; compare rows of one run.",
        "",
    ]
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + text[end + 1 :] if end >= 0 else text[:start]
    DOC.write_text(text.rstrip("\n") + "\n\n" + "\n".join(lines))


LOAD = [0.0]


def main() -> None:
    LOAD[0] = os.getloadavg()[0]
    if shutil.which("wrk") is None:
        print("the conversion benchmark needs wrk: apt-get install -y wrk")
        raise SystemExit(2)
    runs = CAPS_PAIR if os.environ.get("CLICKTRAIL_BENCH_CAPS_ONLY") == "1" else RUNS
    results: list[Result] = []
    for run in runs:
        results.append(_sqlite(run))
        print(results[-1], flush=True)
    for run in runs:
        pg = _postgres(run)
        if pg is not None:
            results.append(pg)
            print(pg, flush=True)
    for r in results:
        if r.stored < r.requests - r.non_2xx:
            print(f"DURABILITY FAILURE: {r}")
            raise SystemExit(1)
    components = _components()
    for item in components:
        print(item, flush=True)
    _write_doc(results, components, "make bench BENCH=conversion")


if __name__ == "__main__":
    main()
    sys.exit(0)
