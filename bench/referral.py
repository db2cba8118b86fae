"""Referral conversions (Affonso POST /v1/conversions) per second, on SQLite and PostgreSQL.

For each database: migrate a fresh one, seed an offer with an incentive, an affiliate with
a tracking id and 200 referrals (made through POST /v1/clicks + /v1/signups), start
``clicktrail serve`` on a free loopback port, then load it with aiohttp (32 requests in
flight, same box) in three phases measured in one run:

* ``GET /healthz``: the HTTP stack's ceiling on this box (the ratio's denominator);
* ``GET /v1/referrals/{id}``: an authenticated request that reads one row (the key
  lookup and one read session: what every Affonso request pays before its own work);
* ``POST /v1/conversions``: each a new ``external_event_id`` on one of the referrals, recorded
  by the conversion writer in batches (ADR 0107): referral locks, incentive match, cap sum,
  conversion service (insert, rollup deltas summed per batch, outbox), commission insert,
  the 201 after the batch's commit;
* the same requests replayed: the idempotent path (200 ``replayed``, also through the writer).

The network key's rate limit is raised for the run (the limiter still counts every
request): the default 3,000 a minute would answer the replays 429.

Afterwards the database must hold exactly one conversion and one commission per distinct
``external_event_id`` answered. PostgreSQL: CLICKTRAIL_BENCH_POSTGRES_URL or
CLICKTRAIL_TEST_POSTGRES_URL (skipped if unreachable). Needs nothing outside the venv.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import aiohttp
import asyncpg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.common import (
    DOC,
    PG_DEFAULT,
    add_offer_and_affiliate,
    free_port,
    machine,
    pg_admin,
    wait_ready,
)
from clicktrail.auth.service import create_key
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.migrations import upgrade
from clicktrail.models import (
    AffiliateCode,
    Commission,
    Conversion,
    OfferPayoutRevenue,
)

SECTION = "## Referral conversions"
REFERRALS = 100
CONVERSIONS = 1500
PINGS = 2000
IN_FLIGHT = 32
#: The issue's goal: new conversions at half the ceiling or more, p99 at most this.
GOAL_RATIO = 0.5
GOAL_P99_MS = 100.0


@dataclass
class Phase:
    name: str
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float


@dataclass
class Result:
    database: str
    phases: list[Phase]
    conversions: int
    commissions: int
    answered: int


async def _seed(url: str) -> str:
    db = Database(url)
    now = utcnow()
    try:
        async with db.write() as session:
            offer, affiliate = await add_offer_and_affiliate(
                session,
                OfferPayoutRevenue(
                    event_id=0,
                    payout_type="cps",
                    payout_percentage=Decimal(10),
                    revenue_type="rps",
                    revenue_percentage=Decimal(50),
                    is_default=True,
                ),
                offer_name="Bench SaaS",
            )
            session.add(
                AffiliateCode(
                    network_affiliate_id=affiliate.network_affiliate_id,
                    tracking_id="bench",
                    affiliate_group_id=None,
                    created_at=now,
                    updated_at=now,
                )
            )
            _key, raw = await create_key(session, realm="network", name="bench")
            return f"{raw}|{offer.network_offer_id}"
    finally:
        await db.dispose()


async def _count(url: str) -> tuple[int, int]:
    db = Database(url)
    try:
        async with db.read() as session:
            conversions = await session.scalar(select(func.count()).select_from(Conversion))
            commissions = await session.scalar(select(func.count()).select_from(Commission))
            return int(conversions or 0), int(commissions or 0)
    finally:
        await db.dispose()


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))] * 1000


async def _load(
    session: aiohttp.ClientSession,
    name: str,
    requests: list[tuple[str, str, dict[str, object] | None]],
    ok: set[int],
) -> tuple[Phase, list[int]]:
    latencies: list[float] = []
    statuses: list[int] = []
    queue = iter(requests)

    async def worker() -> None:
        for method, url, body in queue:
            start = time.perf_counter()
            async with session.request(method, url, json=body) as response:
                await response.read()
                statuses.append(response.status)
            latencies.append(time.perf_counter() - start)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    elapsed = time.perf_counter() - started
    errors = sum(1 for s in statuses if s not in ok)
    phase = Phase(
        name,
        len(statuses),
        errors,
        len(statuses) / elapsed,
        _percentile(latencies, 0.5),
        _percentile(latencies, 0.99),
    )
    return phase, statuses


async def _drive(port: int, key: str, offer_id: str) -> tuple[list[Phase], int]:
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {key}"}
    connector = aiohttp.TCPConnector(limit=IN_FLIGHT)
    async with aiohttp.ClientSession(headers=headers, connector=connector) as session:
        async with session.post(
            f"{base}/v1/incentives",
            json={"program_id": offer_id, "amount": 30, "commission_cap": 500},
        ) as response:
            assert response.status == 201, await response.text()
        referrals: list[str] = []
        for n in range(REFERRALS):
            async with session.post(
                f"{base}/v1/clicks", json={"programId": offer_id, "trackingId": "bench"}
            ) as response:
                click_id = (await response.json())["data"]["id"]
            async with session.post(
                f"{base}/v1/signups", json={"click_id": click_id, "email": f"u{n}@example.com"}
            ) as response:
                assert response.status == 201, await response.text()
            referrals.append(click_id)
        run = uuid.uuid4().hex[:8]
        sales: list[tuple[str, str, dict[str, object] | None]] = [
            (
                "POST",
                f"{base}/v1/conversions",
                {
                    "referral_id": referrals[n % REFERRALS],
                    "sale_amount": 49 + n % 7,
                    "external_event_id": f"bench-{run}-{n}",
                    "product_ids": ["pro"],
                },
            )
            for n in range(CONVERSIONS)
        ]
        pings: list[tuple[str, str, dict[str, object] | None]] = [
            ("GET", f"{base}/healthz", None)
        ] * PINGS
        reads: list[tuple[str, str, dict[str, object] | None]] = [
            ("GET", f"{base}/v1/referrals/{referrals[n % REFERRALS]}", None)
            for n in range(CONVERSIONS)
        ]
        await _load(session, "warm-up", pings[:300], {200})
        _, warm = await _load(session, "warm-up", sales[:50], {201})
        ping, _ = await _load(session, "GET /healthz (ceiling)", pings, {200})
        read, _ = await _load(session, "GET /v1/referrals/{id}", reads, {200})
        create, statuses = await _load(session, "POST /v1/conversions (new)", sales[50:], {201})
        replay, _ = await _load(session, "POST /v1/conversions (replay)", sales, {200})
        return [ping, read, create, replay], sum(1 for s in warm + statuses if s == 201)


def _run_one(name: str, url: str, workdir: Path) -> Result:
    upgrade(url)
    key, offer_id = asyncio.run(_seed(url)).split("|")
    port = free_port()
    env = {
        **os.environ,
        "CLICKTRAIL_DATABASE_URL": url,
        "CLICKTRAIL_PORT": str(port),
        "CLICKTRAIL_HOST": "127.0.0.1",
        "CLICKTRAIL_LOG_LEVEL": "WARNING",
        "CLICKTRAIL_WORKER_ENABLED": "false",
        "CLICKTRAIL_AUTO_MIGRATE": "false",
        "CLICKTRAIL_RATE_LIMIT_NETWORK_KEY": "10000000/minute",
    }
    log = (workdir / "serve.log").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-c", "from clicktrail.cli import main; main()", "serve"],
        env=env,
        stdout=log,
        stderr=log,
        cwd=workdir,
    )
    try:
        wait_ready(port, proc)
        phases, answered = asyncio.run(_drive(port, key, offer_id))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
    conversions, commissions = asyncio.run(_count(url))
    return Result(name, phases, conversions, commissions, answered)


def _postgres() -> Result | None:
    base = (
        os.environ.get("CLICKTRAIL_BENCH_POSTGRES_URL")
        or os.environ.get("CLICKTRAIL_TEST_POSTGRES_URL")
        or PG_DEFAULT
    )
    name = f"ct_bench_ref_{uuid.uuid4().hex[:8]}"
    try:
        asyncio.run(pg_admin(base, f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL skipped: {exc}")
        return None
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        with tempfile.TemporaryDirectory(prefix="ct-bench-ref-") as tmp:
            return _run_one("PostgreSQL", url, Path(tmp))
    finally:
        asyncio.run(pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _load_average() -> str:
    try:
        return ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _goal(result: Result) -> str:
    ceiling, create = result.phases[0], result.phases[2]
    ratio = create.rps / ceiling.rps
    met = ratio >= GOAL_RATIO and create.p99_ms <= GOAL_P99_MS
    return (
        f"new conversions at {ratio:.2f} of the ceiling, p99 {create.p99_ms:.0f} ms: goal "
        f"(>= {GOAL_RATIO}, p99 <= {GOAL_P99_MS:.0f} ms) {'met' if met else 'not met'}"
    )


def _write_doc(results: list[Result], load: str) -> None:
    lines = [
        SECTION,
        "",
        f"Command: `make bench BENCH=referral` ({datetime.now(UTC):%Y-%m-%d}). Machine: "
        f"{machine()}; load average {load} (1, 5, 15 min) when the run ended; aiohttp load "
        f"generator ({IN_FLIGHT} requests in flight) on the same box as the server (one "
        "uvicorn worker, its conversion writer process) and the database.",
        "",
        f"{CONVERSIONS:,} conversions spread over {REFERRALS} referrals (one incentive with a "
        "cap, so every sale sums the referral's earlier commissions), each a new "
        "`external_event_id` (the first 50 warm up the writer process and are not timed); "
        "then all of them again (replays). Ratios are to `GET /healthz` measured in the same "
        "run (the HTTP stack's ceiling); `GET /v1/referrals/{id}` is an authenticated "
        "one-row read, the floor of every Affonso request.",
        "",
        "| database | phase | req/s | p50 ms | p99 ms | requests | errors | ratio to ceiling |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        ceiling = result.phases[0].rps
        for phase in result.phases:
            lines.append(
                f"| {result.database} | {phase.name} | {phase.rps:,.0f} | {phase.p50_ms:.1f} | "
                f"{phase.p99_ms:.1f} | {phase.requests:,} | {phase.errors} | "
                f"{phase.rps / ceiling:.2f} |"
            )
    lines.append("")
    for result in results:
        lines.append(
            f"- {result.database}: {result.answered:,} conversions answered 201; the database "
            f"holds {result.conversions:,} conversions and {result.commissions:,} commissions "
            f"(replays made none); {_goal(result)}."
        )
    lines.append("")
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    start = text.find(SECTION)
    if start >= 0:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + "\n".join(lines) + ("\n" + text[end + 1 :] if end >= 0 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + "\n".join(lines)
    DOC.write_text(text)


def main() -> None:
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="ct-bench-ref-") as tmp:
        url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
        results.append(_run_one("SQLite", url, Path(tmp)))
    pg = _postgres()
    if pg is not None:
        results.append(pg)
    for result in results:
        for phase in result.phases:
            print(
                f"{result.database:<10} {phase.name:<32} {phase.rps:8,.0f} req/s  "
                f"p50 {phase.p50_ms:6.1f} ms  p99 {phase.p99_ms:6.1f} ms  errors {phase.errors}"
            )
        print(
            f"{result.database:<10} answered {result.answered}, stored {result.conversions} "
            f"conversions / {result.commissions} commissions"
        )
        print(f"{result.database:<10} {_goal(result)}")
    _write_doc(results, _load_average())


if __name__ == "__main__":
    main()
