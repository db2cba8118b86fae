"""SDK click benchmark: ``/sdk/click`` against the redirect click, in the same run.

``make bench BENCH=sdk`` (or ``python -m bench sdk``). Needs ``wrk``; PostgreSQL is measured
when CLICKTRAIL_BENCH_POSTGRES_URL (an admin URL, default
postgresql+asyncpg://postgres@127.0.0.1:5432/postgres) is reachable.

One ``clicktrail serve`` per engine (the click bench's setup: bench/click.py, generated
.mmdb files, a trusted-proxy X-Forwarded-For, rotating user agents, a sub1 per request).
On that one server, wrk loads the redirect (``/c?oid=…&affid=…``) and the SDK call
(``/sdk/click?oid=…&affid=…`` with an ``Origin`` header, as a landing page sends it) in
alternation, :data:`ROUNDS` times each, and keeps each path's best peak: the two paths share
the process, the database and the machine's load, so their ratio is what is compared (the
goal is at least 0.8). After the run every acknowledged click is counted in the database.
The results replace the "SDK click" section of docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench import click
from bench.common import DOC, PG_DEFAULT, write_section

SECTION = "## SDK click"
ORIGIN = "https://landing.example"
ROUNDS = 2
GOAL = 0.8


@dataclass
class Pair:
    engine: str
    redirect: click.Load
    sdk: click.Load
    stored: int
    answered: int

    @property
    def ratio(self) -> float:
        return self.sdk.rps / max(self.redirect.rps, 1.0)


def _script(directory: Path, path: str, ips: list[str], origin: bool) -> Path:
    """The click bench's request generator, plus the landing page's Origin for the SDK."""
    lua_ips = ", ".join(f'"{ip}"' for ip in ips)
    lua_uas = ", ".join(f'"{ua}"' for ua in click.USER_AGENTS)
    extra = f", ['Origin'] = '{ORIGIN}'" if origin else ""
    script = directory / f"sdk_{'origin' if origin else 'plain'}.lua"
    script.write_text(
        f"local ips = {{{lua_ips}}}\n"
        f"local uas = {{{lua_uas}}}\n"
        "local n = 0\n"
        "function request()\n"
        "  n = n + 1\n"
        f'  local path = "{path}&sub1=" .. n .. "&sub2=" .. (n % 7)\n'
        "  return wrk.format('GET', path, {['User-Agent'] = uas[n % #uas + 1],\n"
        "    ['X-Forwarded-For'] = ips[n % #ips + 1], ['Accept-Language'] = 'en-US,en;q=0.9'"
        f"{extra}}})\n"
        "end\n"
    )
    return script


def _peak(port: int, script: Path) -> click.Load:
    best: click.Load | None = None
    for connections in click.PEAK_CONNECTIONS:
        load = click._wrk(port, script, connections, click.DURATION)
        load.connections = connections
        if best is None or load.rps > best.rps:
            best = load
    assert best is not None
    return best


def _engine(engine: str, url: str, directory: Path, city: Path, asn: Path, ips: list[str]) -> Pair:
    offer_id, affiliate_id = asyncio.run(click._seed(url))
    click.ANSWERED[0] = 0
    port = click._free_port()
    process = click._serve(url, port, city, asn, directory / f"{engine}.log", "FULL", True)
    query = f"?oid={offer_id}&affid={affiliate_id}"
    redirect = _script(directory, "/c" + query, ips, origin=False)
    sdk = _script(directory, "/sdk/click" + query, ips, origin=True)
    best: dict[str, click.Load] = {}
    try:
        click._wait_ready(port, "/healthz")
        click._wrk(port, redirect, click.PEAK_CONNECTIONS[-1], click.WARMUP)
        click._wrk(port, sdk, click.PEAK_CONNECTIONS[-1], click.WARMUP)
        for _ in range(ROUNDS):
            for name, script in (("redirect", redirect), ("sdk", sdk)):
                load = _peak(port, script)
                if name not in best or load.rps > best[name].rps:
                    best[name] = load
                print(f"{engine} {name}: {load}", flush=True)
    finally:
        click._stop(process)
    stored = asyncio.run(click._count_clicks(url))
    return Pair(engine, best["redirect"], best["sdk"], stored, click.ANSWERED[0])


def _report(pairs: list[Pair], loads: tuple[float, float]) -> list[str]:
    lines = [
        SECTION,
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench BENCH=sdk` "
        f"(`python -m bench sdk`) on {click._machine()}. One `clicktrail serve` per engine "
        "(one uvicorn worker, SQLite synchronous=FULL, rate limits on) loaded by wrk (1 "
        "thread) with the redirect `/c?oid=…&affid=…` and the SDK call `/sdk/click?oid=…&"
        f"affid=…` (with an `Origin` header) in alternation, {ROUNDS} rounds each; a peak is "
        f"the best of {' and '.join(map(str, click.PEAK_CONNECTIONS))} connections over "
        f"{click.DURATION} s, the table keeps each path's best round. Requests as in the click "
        "bench: own sub1, trusted-proxy X-Forwarded-For, six user agents; both answers are "
        "sent after the click's batch is committed.",
        f"1-minute load average at the start / end of the run: {loads[0]:.1f} / {loads[1]:.1f} "
        f"on {os.cpu_count()} CPUs (compare the ratio within one run, not rates across runs).",
        "",
        "| engine | redirect clicks/s (conns) | p50 / p99 | SDK clicks/s (conns) | p50 / p99 "
        f"| SDK / redirect (goal {GOAL}) | clicks stored / answered | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for pair in pairs:
        r, s = pair.redirect, pair.sdk
        lines.append(
            f"| {pair.engine} | {r.rps:,.0f} ({r.connections}) | {r.p50_ms:.2f} / "
            f"{r.p99_ms:.2f} ms | {s.rps:,.0f} ({s.connections}) | {s.p50_ms:.2f} / "
            f"{s.p99_ms:.2f} ms | {pair.ratio:.2f} | {pair.stored:,} / {pair.answered:,} "
            f"| {r.errors} / {s.errors} |"
        )
    lines += [
        "",
        "The SDK call runs the redirect's click steps and writer; it answers JSON with the "
        "CORS headers and two Set-Cookie headers instead of rendering the destination URL. "
        '"clicks stored / answered": rows after the server stopped vs 2xx/3xx answers over '
        "all runs (warm-ups included); stored >= answered means no acknowledged click was lost.",
    ]
    return lines


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("the sdk bench needs wrk: apt-get install -y wrk")
    load_start = os.getloadavg()[0]
    pairs: list[Pair] = []
    with tempfile.TemporaryDirectory(prefix="ct-bench-sdk-") as tmp:
        directory = Path(tmp)
        city, asn, ips = click._build_geo(directory)
        sqlite_url = f"sqlite+aiosqlite:///{directory / 'bench-sdk.db'}"
        pairs.append(_engine("SQLite", sqlite_url, directory, city, asn, ips))
        created = click._pg_database(os.environ.get(click.PG_ENV, PG_DEFAULT))
        if created is not None:
            pg_url, admin = created
            try:
                pairs.append(_engine("PostgreSQL", pg_url, directory, city, asn, ips))
            finally:
                click._drop_pg(admin, pg_url)
    lines = _report(pairs, (load_start, os.getloadavg()[0]))
    print("\n".join(lines))
    write_section(DOC, SECTION, lines)
