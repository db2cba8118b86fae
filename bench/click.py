"""Click redirect benchmark: the durable, enriched redirect vs a bare ASGI 302.

``make bench BENCH=click`` (or ``python -m bench click``). Needs ``wrk`` (Debian:
``apt-get install -y wrk``); PostgreSQL is measured when CLICKTRAIL_BENCH_POSTGRES_URL (an
admin URL, default postgresql+asyncpg://postgres@127.0.0.1:5432/postgres) is reachable.

In one run, on 127.0.0.1 with ephemeral ports: the baseline (bench/click_baseline.py) and
``clicktrail serve`` on SQLite and on PostgreSQL, each one uvicorn worker (uvloop,
httptools), loaded by wrk on one thread. Every request is a real tracking link with its own
sub1, a rotating X-Forwarded-For from a trusted proxy (so geolocation runs against generated
.mmdb files) and a rotating user agent. For each target: the maximum throughput (closed
loop, 64 connections), then the latency at about half of it (wrk ``delay()`` paces each
connection). After each clicktrail run, every acknowledged click is counted in the database.
The results replace the "Click redirect" section of docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.common import DOC, PG_DEFAULT, ROOT

SECTION = "## Click redirect"
#: The suffix of a target run with CLICKTRAIL_RATE_LIMITS=false (the cost of the limits).
OFF = ", rate limits off"
#: SQLite FULL with a ruleset every bench click matches (ADR 0096), robots and proxies refused
#: and three traffic controls on the offer that never match (ADR 0097): the cost of the rules.
RULES = "clicktrail, SQLite synchronous=FULL, ruleset and traffic controls"
DURATION = 6
WARMUP = 2
#: The peak is the best of these connection counts (a durable redirect needs more requests
#: in flight than a bare 302 to keep its batches full).
PEAK_CONNECTIONS = (64, 256)
PACE_MS = 5
PG_ENV = "CLICKTRAIL_BENCH_POSTGRES_URL"
#: Every category the click path evaluates, admitting the bench's places and user agents, so
#: the clicks stay valid and the run measures the matcher, not the fallback (ADR 0096).
BENCH_RULESET = {
    "countries": [
        {"country_code": code, "targeting_type": "include", "match_type": "exact"}
        for code in ("US", "FR", "DE", "BR")
    ],
    "regions": [
        {"country_code": "US", "region_code": "TX", "targeting_type": "exclude"},
    ],
    "device_types": [
        {"label": label, "targeting_type": "include", "match_type": "exact"}
        for label in ("PC", "Mobile", "Tablet")
    ],
    "platforms": [{"label": "Tizen", "targeting_type": "exclude", "match_type": "exact"}],
    "browsers": [{"label": "IE", "targeting_type": "exclude", "match_type": "exact"}],
    "is_block_proxy": True,
}
#: Comma-separated subset of "sqlite,postgresql,rules" (the baseline always runs); for
#: development.
TARGETS_ENV = "CLICKTRAIL_BENCH_CLICK_TARGETS"

USER_AGENTS = [
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/119.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0",
    "Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.6 Mobile/15E148 Safari/604.1",
]


@dataclass
class Load:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    connections: int = 0


@dataclass
class Target:
    name: str
    peak: Load
    paced: Load | None = None
    stored: int | None = None
    acknowledged: int | None = None
    #: CPU time per request in the measured peak run: the server process, its children.
    cpu_main_us: float = 0.0
    cpu_children_us: float = 0.0


_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """user + system CPU time of one process (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(child) for child in text.split()]


def _cpu_split(pid: int) -> tuple[float, float]:
    return _cpu_seconds(pid), sum(_cpu_seconds(child) for child in _children(pid))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_ready(port: int, path: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        try:
            connection.request("GET", path)
            connection.getresponse().read()
            return  # any answer will do (the baseline answers 302)
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()
    raise RuntimeError(f"server on port {port} did not start")


#: The server starts its helper processes (click writer, conversion writer) about two
#: seconds after it is up (PRESTART_SECONDS in clicktrail/tracking/sinks.py and
#: clicktrail/conversion/writer_process.py); their imports cost a CPU-second or more.
HELPERS_START = 2.5


def _settle(pid: int, timeout: float = 30.0) -> None:
    """Wait until the server's helper processes have started and gone quiet, so that
    their start-up CPU is not counted as CPU per click of the first measured run."""
    time.sleep(HELPERS_START)
    deadline = time.monotonic() + timeout
    last = -1.0
    while time.monotonic() < deadline:
        used = sum(_cpu_seconds(child) for child in _children(pid))
        if used == last:
            return
        last = used
        time.sleep(1.0)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _build_geo(directory: Path) -> tuple[Path, Path, list[str]]:
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    city = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    asn = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-ASN")
    places = [
        ("US", "United States", "CA", "California", "Burbank", "America/Los_Angeles", 803),
        ("FR", "France", "IDF", "Île-de-France", "Paris", "Europe/Paris", 0),
        ("DE", "Germany", "BE", "Berlin", "Berlin", "Europe/Berlin", 0),
        ("BR", "Brazil", "SP", "São Paulo", "São Paulo", "America/Sao_Paulo", 0),
    ]
    ips: list[str] = []
    for index, (code, country, region_code, region, town, zone, metro) in enumerate(places):
        network = f"100.{64 + index}.0.0/16"
        city.insert_network(
            IPSet([network]),
            {
                "country": {"iso_code": code, "names": {"en": country}},
                "subdivisions": [{"iso_code": region_code, "names": {"en": region}}],
                "city": {"names": {"en": town}},
                "location": {"time_zone": zone, "metro_code": metro},
                "postal": {"code": "00000"},
            },
        )
        asn.insert_network(
            IPSet([network]),
            {"autonomous_system_number": 64500 + index, "autonomous_system_organization": "ISP"},
        )
        ips.extend(f"100.{64 + index}.{a}.{b}" for a in range(8) for b in range(1, 9))
    city_path, asn_path = directory / "city.mmdb", directory / "asn.mmdb"
    city.to_db_file(str(city_path))
    asn.to_db_file(str(asn_path))
    return city_path, asn_path, ips


def _traffic_controls(offer_id: int, now: datetime) -> list[object]:
    """Controls on the bench offer that never match its traffic: 1,000 blocked ranges, 1,000
    blocked sub1 values, a user-agent block list; robots and proxies refused on the offer."""
    from clicktrail.models import TrafficControl

    def control(name: str, variables: list[str], method: str, values: list[str]) -> object:
        return TrafficControl(
            name=name,
            control_type="blacklist",
            comparison_method=method,
            is_apply_all_offers=False,
            network_offer_ids=[offer_id],
            variables=variables,
            values=values,
            time_created=now,
            time_saved=now,
        )

    ranges = [f"10.{a}.{b}.0/24" for a in range(4) for b in range(250)]
    subs = [f"blocked-{i}" for i in range(1000)]
    agents = ["HeadlessChrome", "python-requests", "curl/", "Scrapy"]
    return [
        control("bench ranges", ["ip"], "exact_match", ranges),
        control("bench subs", ["sub1", "sub2", "source_id"], "exact_match", subs),
        control("bench agents", ["user_agent"], "contains", agents),
    ]


async def _seed(url: str, ruleset: bool = False, traffic: bool = False) -> tuple[int, int]:
    from clicktrail.db import Database
    from clicktrail.kit.timeutil import utcnow
    from clicktrail.migrations import upgrade
    from clicktrail.models import Advertiser, Affiliate, Offer, OfferPayoutRevenue

    await asyncio.to_thread(upgrade, url)
    db = Database(url, sqlite_synchronous="FULL")
    now = utcnow()
    try:
        async with db.write() as session:
            advertiser = Advertiser(name="Bench", time_created=now, time_saved=now)
            session.add(advertiser)
            await session.flush()
            offer = Offer(
                name="Bench offer",
                network_advertiser_id=advertiser.network_advertiser_id,
                destination_url="https://advertiser.example/lp?tid={transaction_id}&s1={sub1}"
                "&aff={affiliate_id}",
                time_created=now,
                time_saved=now,
                ruleset=BENCH_RULESET if ruleset else None,
            )
            offer.payout_revenue = [OfferPayoutRevenue(event_id=0, is_default=True)]
            affiliate = Affiliate(name="Bench partner", time_created=now, time_saved=now)
            session.add_all([offer, affiliate])
            await session.flush()
            if traffic:
                offer.is_block_robots = offer.is_block_proxy = True
                session.add_all(_traffic_controls(offer.network_offer_id, now))
                await session.flush()
            return offer.network_offer_id, affiliate.network_affiliate_id
    finally:
        await db.dispose()


async def _count_clicks(url: str) -> int:
    from clicktrail.db import Database
    from clicktrail.models import Click

    db = Database(url)
    try:
        async with db.read() as session:
            return int(
                (await session.execute(select(func.count()).select_from(Click))).scalar_one()
            )
    finally:
        await db.dispose()


def _script(directory: Path, path: str, ips: list[str], pace_ms: int) -> Path:
    lua_ips = ", ".join(f'"{ip}"' for ip in ips)
    lua_uas = ", ".join(f'"{ua}"' for ua in USER_AGENTS)
    pace = f"function delay() return {pace_ms} end\n" if pace_ms else ""
    script = directory / f"click_{pace_ms}.lua"
    script.write_text(
        f"local ips = {{{lua_ips}}}\n"
        f"local uas = {{{lua_uas}}}\n"
        "local n = 0\n"
        "function request()\n"
        "  n = n + 1\n"
        f'  local path = "{path}&sub1=" .. n .. "&sub2=" .. (n % 7)\n'
        "  return wrk.format('GET', path, {['User-Agent'] = uas[n % #uas + 1],\n"
        "    ['X-Forwarded-For'] = ips[n % #ips + 1], ['Accept-Language'] = 'en-US,en;q=0.9'})\n"
        "end\n" + pace
    )
    return script


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _latency(output: str, percentile: str) -> float:
    match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    if match is None:
        raise RuntimeError(f"no {percentile}% latency in wrk output:\n{output}")
    return float(match.group(1)) * _UNITS[match.group(2)]


ANSWERED: list[int] = [0]


def _wrk(port: int, script: Path, connections: int, seconds: int) -> Load:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--latency",
        "-s",
        str(script),
        f"http://127.0.0.1:{port}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))  # type: ignore[union-attr]
    requests = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    errors_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    errors = int(errors_match.group(1)) if errors_match else 0
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups())
    ANSWERED[0] += requests - errors
    return Load(rps, _latency(output, "50"), _latency(output, "99"), requests, errors)


def _measure(
    port: int, directory: Path, path: str, ips: list[str], paced: bool, pid: int
) -> Target:
    closed = _script(directory, path, ips, 0)
    _wrk(port, closed, PEAK_CONNECTIONS[-1], WARMUP)
    peak: Load | None = None
    cpu = (0.0, 0.0)
    for connections in PEAK_CONNECTIONS:
        before = _cpu_split(pid)
        load = _wrk(port, closed, connections, DURATION)
        after = _cpu_split(pid)
        load.connections = connections
        if peak is None or load.rps > peak.rps:
            peak = load
            done = max(load.requests, 1)
            cpu = ((after[0] - before[0]) / done * 1e6, (after[1] - before[1]) / done * 1e6)
    assert peak is not None
    target = Target(name="", peak=peak, cpu_main_us=cpu[0], cpu_children_us=cpu[1])
    if paced:
        script = _script(directory, path, ips, PACE_MS)
        goal = peak.rps / 2
        connections = max(1, round(goal * PACE_MS / 1000))
        load = _wrk(port, script, connections, DURATION)
        if load.rps < goal * 0.9:  # latency adds to the pace: one correction
            connections = max(1, round(connections * goal / max(load.rps, 1.0)))
            load = _wrk(port, script, connections, DURATION)
        load.connections = connections
        target.paced = load
    return target


def _serve(
    url: str, port: int, city: Path, asn: Path, log: Path, synchronous: str, limits: bool
) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        CLICKTRAIL_SQLITE_SYNCHRONOUS=synchronous,
        CLICKTRAIL_AUTO_MIGRATE="false",
        CLICKTRAIL_DATABASE_URL=url,
        CLICKTRAIL_HOST="127.0.0.1",
        CLICKTRAIL_PORT=str(port),
        CLICKTRAIL_WORKER_ENABLED="false",
        CLICKTRAIL_LOG_LEVEL="WARNING",
        CLICKTRAIL_LOG_FORMAT="json",
        CLICKTRAIL_GEOIP_CITY_PATH=str(city),
        CLICKTRAIL_GEOIP_ASN_PATH=str(asn),
        CLICKTRAIL_TRUSTED_PROXIES='["127.0.0.1/32"]',
        CLICKTRAIL_RATE_LIMITS="true" if limits else "false",
    )
    command = [str(Path(sys.executable).parent / "clicktrail"), "serve"]
    with log.open("ab") as sink:
        return subprocess.Popen(command, env=env, stdout=sink, stderr=sink, cwd=log.parent)


def _clicktrail(
    name: str,
    url: str,
    directory: Path,
    city: Path,
    asn: Path,
    ips: list[str],
    synchronous: str = "FULL",
    limits: bool = True,
    ruleset: bool = False,
    traffic: bool = False,
) -> Target:
    offer_id, affiliate_id = asyncio.run(_seed(url, ruleset, traffic))
    ANSWERED[0] = 0
    port = _free_port()
    log = directory / f"{name}.log"
    process = _serve(url, port, city, asn, log, synchronous, limits)
    try:
        _wait_ready(port, "/healthz")
        _settle(process.pid)
        link = f"/c?oid={offer_id}&affid={affiliate_id}"
        target = _measure(port, directory, link, ips, True, process.pid)
    finally:
        _stop(process)
    target.name = name
    target.stored = asyncio.run(_count_clicks(url))
    target.acknowledged = ANSWERED[0]
    return target


def _baseline(directory: Path, ips: list[str]) -> Target:
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "bench.click_baseline:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
    ]
    process = subprocess.Popen(command, cwd=ROOT)
    try:
        _wait_ready(port, "/")
        target = _measure(port, directory, "/c?oid=1&affid=1", ips, False, process.pid)
    finally:
        _stop(process)
    target.name = "baseline: bare ASGI 302"
    return target


def _pg_database(admin_url: str) -> tuple[str, str] | None:
    import asyncpg

    admin = make_url(admin_url).set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"ct_bench_click_{os.getpid()}"

    async def _create() -> None:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()

    try:
        asyncio.run(_create())
    except (OSError, asyncpg.PostgresError) as exc:
        print(f"PostgreSQL not measured ({exc})")
        return None
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    return url, admin


def _drop_pg(admin: str, url: str) -> None:
    import asyncpg

    name = make_url(url).database

    async def _drop() -> None:
        conn = await asyncpg.connect(admin, timeout=5)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()

    asyncio.run(_drop())


def _machine() -> str:
    model = ""
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        found = re.search(r"Model name:\s+(.+)", lscpu)
        model = found.group(1).strip() if found else ""
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    cpu = model or platform.processor()
    return f"{os.cpu_count()} CPUs ({cpu}), {system}, Python {platform.python_version()}"


#: What the figures mean; measured with in-process harnesses (see docs/adr/0011).
ANALYSIS = """\
**Where the time goes** (issue 20; docs/adr/0110, docs/adr/0111). The goal (at least 0.35 x
the baseline on SQLite FULL and on PostgreSQL, p99 at most 10 ms at half load) is not met on
this box. Profiled under wrk load (py-spy) and with in-process harnesses (CPU time per click
of the real tracking app called without uvicorn, and of the SQLite batch writer alone),
measured on the shared 2-core box at a load average near 20, so single figures move by
+-15 %:

- Server process: the tracking app itself (no uvicorn) 51-59 µs per click after this change
  against 59-89 µs before, in alternating runs. What went: one SQLite query per click for
  the cache generation (now one per event-loop turn, ADR 0111) and URL quoting of macro
  values that need none. What is left: parsing the query and the headers, the click steps,
  rendering the redirect, the batch hand-off (marshal and a pipe write, which also wakes the
  writer process), and uvicorn's own per-request work, which is the bare 302's whole cost.
- SQLite writer process, batches of 64: 60-79 µs per click before, 67-72 µs after, no
  difference within the noise (batch of 16: ~108 µs, 256: ~52 µs). SQLite's own work (insert
  with five indexes, rollup upserts, WAL writes) is most of it, then the rollup aggregation
  in Python. Checkpoints now run on a thread (ADR 0110): they no longer hold up the batch
  whose COMMIT crossed 1,000 WAL pages, but their CPU is still the writer process's.
- Per batch, the writer pays one WAL fsync (synchronous=FULL); at 64 connections a batch
  holds at most 64 clicks, so the rate there is bounded by about 64 / (64 x CPU per click
  + one fsync).
- mypyc, tried on `tracking/params.py`, `tracking/macros.py` and `kit/urltemplate.py` outside
  the tree: parse_query and render ran ~1.2-1.5x faster (timeit, best of 7, same load). On a
  click's total that is a few µs; not built into `make install` (docs/adr/0110).

Next steps: several uvicorn workers sharing the one writer process, measured on a machine
with more cores than this one; compiling the rollup aggregation would need a rewrite for
mypyc first (it did not pay as it is, see below).

This run's ratios do not say whether the goal is met: at a load average of 13-22 on 2 CPUs
the baseline is starved as much as clicktrail (its CPU per request, 16 µs on a quiet box,
triples with the contention), socket timeouts appear at 256 connections, and the ratios of
two such runs an hour apart differ by 2x. Every acknowledged click was stored in both.

**CPU per click, 2026-12-08** (issue 20 item 1; docs/adr/0118). Measured by CPU time, not
rate: load average 9.6-29 on 2 CPUs during this work (above 3, so no full bench run). End to
end, one `clicktrail serve` (uvloop, httptools) and the bare 302 in the same script run, wrk
1 thread, 64 connections, 2 s warm-up, then two 6 s rounds, utime+stime from
/proc/<pid>/stat of the server and of its children per request: baseline 43-55 µs; SQLite
FULL server 137-174 + writer process 103-123 µs; PostgreSQL server 213-245 µs (no child).
As CPU ratios (baseline / click, both processes): SQLite 0.15-0.18, PostgreSQL 0.18-0.21.
Code before and after this change, alternated in one session, differed by less than the
run-to-run spread (+-30 % at this load); a round that started while the helper processes
were still importing counted 160-350 µs more per click in the children, hence the bench's
wait for them. Levers, in-process (minimum of 15-40 interleaved repetitions):

- Kept: one head-timeout timer per connection instead of a timer scheduled and cancelled
  per request (`abuse/protocol.py`): protocol plus bare app 19.1 -> 17.6 µs per request
  (23.3 -> 22.3 in a second session). Row dicts of the 22 columns the SQLite writer process
  reads instead of all 70 (`tracking/sqlite_batch.py`): decoding 5.7 -> 4.3 µs per click
  (8.3-12.5 against 11.0-17.6 under heavier load).
- Dropped: one multi-row INSERT of 64 clicks instead of `executemany`: 38.3 against 24.1 µs
  per row (medians). mypyc on `report/rollup.py`: 19-27 against 11-38 µs per click for a
  batch of 64, no gain visible through the noise.
- Nothing to cut: no log line or metric per stored click (per batch, and step timing samples
  1 in 128); `serve` already runs httptools on uvloop. Writer process per click, batch of 64,
  NORMAL (thread CPU): insert 18-24 µs, rollup aggregation 15-19, commit 15-17, visitor
  lookup 8-11, decoding 10-13 before this change, marshal 7. Server in process (no uvicorn):
  62-71 µs per click, spread over the steps, the hand-off and the response; uvicorn, uvloop
  and socket writes take most of the rest, as they do for the baseline.
"""


def _projection(target: Target, baseline: Target) -> str:
    busiest = max(target.cpu_main_us, target.cpu_children_us, 1.0)
    ratio = max(baseline.cpu_main_us, 1.0) / busiest
    return f"{target.name} {1e6 / busiest:,.0f}/s = {ratio:.2f} x the baseline's"


def _limits_cost(targets: list[Target]) -> list[str]:
    by_name = {t.name: t for t in targets}
    found = []
    for target in targets:
        off = by_name.get(target.name + OFF)
        if off is not None:
            found.append(
                f"{target.name.removeprefix('clicktrail, ')} {target.peak.rps / off.peak.rps:.2f}x "
                f"(CPU µs {target.cpu_main_us:.0f} / {off.cpu_main_us:.0f})"
            )
    return found or ["not measured in this run"]


def _rules_cost(targets: list[Target]) -> str:
    by_name = {t.name: t for t in targets}
    plain = by_name.get("clicktrail, SQLite synchronous=FULL")
    ruled = by_name.get(RULES)
    if plain is None or ruled is None:
        return "not measured in this run"
    return (
        f"{ruled.peak.rps / plain.peak.rps:.2f}x (CPU µs {ruled.cpu_main_us:.0f} / "
        f"{plain.cpu_main_us:.0f})"
    )


def _report(targets: list[Target], loads: tuple[float, float]) -> str:
    base = targets[0].peak.rps
    lines = [
        SECTION,
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `make bench BENCH=click` "
        "(`python -m bench click`) on " + _machine() + ". One uvicorn worker (uvloop, "
        "httptools) per target; wrk 1 thread on the same box; "
        f"peak = best of {' and '.join(map(str, PEAK_CONNECTIONS))} connections (closed "
        f"loop), half load = connections paced with wrk `delay()` ({PACE_MS} ms) to about half "
        f"of the peak; {DURATION} s each after a {WARMUP} s warm-up.",
        "Each clicktrail request is a tracking link with its own sub1, geolocated through a "
        "trusted-proxy X-Forwarded-For and parsed from one of six user agents; the 302 is sent "
        "after the click's batch is committed (SQLite WAL in the writer process, "
        "PostgreSQL COPY), rollups included. synchronous=FULL (the default) fsyncs every "
        "batch; NORMAL survives kill -9 but not power loss.",
        f"1-minute load average at the start / end of the run: {loads[0]:.1f} / "
        f"{loads[1]:.1f} on {os.cpu_count()} CPUs (anything above ~1.5 means other jobs "
        "shared the box; compare ratios within one run, not across runs).",
        "",
        "| target | peak clicks/s (conns) | peak p50 | peak p99 | ratio to baseline "
        "| half-load rate (conns) | half-load p50 | half-load p99 | clicks stored / 302s "
        "| CPU µs per request: server / its children |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for target in targets:
        paced = target.paced
        half = (
            f"{paced.rps:,.0f}/s ({paced.connections}) | {paced.p50_ms:.2f} ms "
            f"| {paced.p99_ms:.2f} ms"
            if paced
            else "- | - | -"
        )
        stored = (
            f"{target.stored:,} / {target.acknowledged:,}" if target.stored is not None else "-"
        )
        lines.append(
            f"| {target.name} | {target.peak.rps:,.0f} ({target.peak.connections}) "
            f"| {target.peak.p50_ms:.2f} ms "
            f"| {target.peak.p99_ms:.2f} ms | {target.peak.rps / base:.2f} | {half} | {stored} "
            f"| {target.cpu_main_us:.0f} / {target.cpu_children_us:.0f} |"
        )
    lines += [
        "",
        "CPU per request is counted from /proc over the peak run, so it does not depend on "
        "what else runs on the box. With a core each for the server, the writer process and "
        "wrk, throughput would be bounded by the busiest process: "
        + "; ".join(_projection(t, targets[0]) for t in targets[1:])
        + ".",
        "",
        "Rate limits (ADR 0064): targets without a suffix run with the defaults (limits "
        f"on); `{OFF}` is the same with CLICKTRAIL_RATE_LIMITS=false. On / off: "
        + "; ".join(_limits_cost(targets))
        + " (the budget is 0.95x, issue 14). The head limits of `serve`'s HTTP protocol "
        "(ADR 0063) apply to both.",
        "",
        "Network rules (ADR 0096, ADR 0097): `"
        + RULES.removeprefix("clicktrail, ")
        + "` has a ruleset on every category the click path evaluates, which every bench "
        "click matches, refuses robots and proxies, and has three traffic controls on the "
        "offer (1,000 blocked IP ranges, 1,000 blocked sub values, a user-agent list) that "
        "never match the bench traffic. With / without: "
        + _rules_cost(targets)
        + " (the budget is 0.9x, issue 18).",
        "",
        '"clicks stored / 302s": rows in the click table after the server stopped vs '
        "redirects wrk received over all runs (warm-up included); stored >= answered means no "
        "acknowledged click was lost. Errors (non-3xx or socket) over all runs: "
        + ", ".join(
            f"{t.name}: {t.peak.errors + (t.paced.errors if t.paced else 0)}" for t in targets
        )
        + ".",
        "",
        ANALYSIS,
    ]
    return "\n".join(lines)


def _write_section(text: str) -> None:
    DOC.parent.mkdir(parents=True, exist_ok=True)
    current = DOC.read_text() if DOC.exists() else "# Benchmarks\n\n"
    start = current.find(SECTION)
    if start == -1:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        after = current.find("\n## ", start + len(SECTION))
        updated = current[:start] + text + ("\n" + current[after + 1 :] if after != -1 else "")
    DOC.write_text(updated.rstrip("\n") + "\n")


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("the click bench needs wrk: apt-get install -y wrk")
    load_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="ct-bench-click-") as tmp:
        directory = Path(tmp)
        city, asn, ips = _build_geo(directory)
        chosen = os.environ.get(TARGETS_ENV, "baseline,sqlite,rules,postgresql").split(",")
        targets = [_baseline(directory, ips)]
        print(f"baseline: {targets[0].peak}", flush=True)
        if "sqlite" in chosen:
            for sync, limits in (("FULL", True), ("FULL", False), ("NORMAL", True)):
                label = "" if limits else "-nolimits"
                sqlite_url = f"sqlite+aiosqlite:///{directory / f'bench-{sync}{label}.db'}"
                name = f"clicktrail, SQLite synchronous={sync}{OFF if not limits else ''}"
                targets.append(
                    _clicktrail(name, sqlite_url, directory, city, asn, ips, sync, limits)
                )
                print(f"{name}: {targets[-1]}", flush=True)
        if "rules" in chosen:
            sqlite_url = f"sqlite+aiosqlite:///{directory / 'bench-rules.db'}"
            targets.append(
                _clicktrail(
                    RULES, sqlite_url, directory, city, asn, ips, ruleset=True, traffic=True
                )
            )
            print(f"{RULES}: {targets[-1]}", flush=True)
        created = (
            _pg_database(os.environ.get(PG_ENV, PG_DEFAULT)) if "postgresql" in chosen else None
        )
        if created is not None:
            pg_url, admin = created
            try:
                for limits in (True, False):
                    name = f"clicktrail, PostgreSQL{OFF if not limits else ''}"
                    targets.append(
                        _clicktrail(name, pg_url, directory, city, asn, ips, "FULL", limits)
                    )
                    print(f"{name}: {targets[-1]}", flush=True)
            finally:
                _drop_pg(admin, pg_url)
    report = _report(targets, (load_start, os.getloadavg()[0]))
    print(report)
    if len(targets) == 7:  # a partial run does not replace the published figures
        _write_section(report)
