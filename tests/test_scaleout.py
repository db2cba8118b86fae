"""Several tracking hosts on one database (issue 20, part 4; ADR 0109): two real ``clicktrail
serve`` processes on one PostgreSQL database share a load of clicks and advertiser
postbacks, each conversion posted to the host that did not record its click; one host is
killed with -9 mid-run. Every acknowledged click and conversion must be stored, no
transaction id twice, and the aggregated report must equal the raw rows."""

from __future__ import annotations

import asyncio
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest

from clicktrail.db import Database
from tests.fixtures.database import PgDatabase, reset_pg_database
from tests.fixtures.factories import make_affiliate, make_key, make_offer
from tests.fixtures.server import SLOW_SECONDS, free_port, kill_group, ready, serve

VISITORS = 12
#: Conversions acknowledged before one host is killed, and in the whole run.
BEFORE_KILL = 60
TOTAL = 150
SUMMARY = "/v1/networks/reporting/entity/summary"


class Hosts:
    """The tracking hosts still answering; a visitor that finds one gone drops it."""

    def __init__(self, ports: list[int]) -> None:
        self.live = list(ports)
        self.turn = 0

    def pick(self, avoid: int | None = None) -> int:
        self.turn += 1
        choices = [p for p in self.live if p != avoid] or self.live
        return choices[self.turn % len(choices)]

    def drop(self, port: int) -> None:
        if port in self.live and len(self.live) > 1:
            self.live.remove(port)


@pytest.mark.slow
async def test_two_hosts_on_one_database_lose_nothing_when_one_is_killed(
    pg_database: PgDatabase | None, tmp_path: Path
) -> None:
    if pg_database is None:
        pytest.skip("the scale-out shape needs PostgreSQL")
    await reset_pg_database(pg_database)
    db = Database(pg_database.url)
    offer = await make_offer(db, destination_url="https://lp.example/?tid={transaction_id}")
    affiliate = await make_affiliate(db)
    key = await make_key(db, "network")
    await db.dispose()
    link = f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}"

    ports = [free_port(), free_port()]
    logs = [tmp_path / f"host-{i}.log" for i in range(2)]
    processes: list[subprocess.Popen[bytes]] = [
        serve(pg_database.url, port, log) for port, log in zip(ports, logs, strict=True)
    ]
    clicks: list[str] = []
    conversions: dict[str, str] = {}  # conversion id -> transaction id
    try:
        await asyncio.gather(
            *(ready(p, s, log) for p, s, log in zip(ports, processes, logs, strict=True))
        )
        hosts = Hosts(ports)
        killed = asyncio.Event()
        enough = asyncio.Event()

        async def visitor(n: int, client: httpx.AsyncClient) -> None:
            for i in range(10_000):
                if enough.is_set():
                    return
                port = hosts.pick()
                try:
                    response = await client.get(f"http://127.0.0.1:{port}{link}&sub1={n}-{i}")
                except httpx.TransportError:
                    hosts.drop(port)
                    continue
                assert response.status_code == 302, response.text
                tid = response.headers["location"].rsplit("tid=", 1)[1]
                clicks.append(tid)
                # The advertiser's postback reaches the other host.
                other = hosts.pick(avoid=port)
                try:
                    answer = await client.get(
                        f"http://127.0.0.1:{other}/", params={"nid": "1", "transaction_id": tid}
                    )
                except httpx.TransportError:
                    hosts.drop(other)
                    continue
                assert answer.status_code == 200, answer.text
                assert answer.json()["status"] == "approved", answer.text
                conversions[answer.json()["conversion_id"]] = tid
                if len(conversions) >= BEFORE_KILL and not killed.is_set():
                    killed.set()
                    kill_group(processes[0])  # mid-load, no warning
                if len(conversions) >= TOTAL:
                    enough.set()

        limits = httpx.Limits(max_connections=VISITORS)
        async with httpx.AsyncClient(timeout=SLOW_SECONDS, limits=limits) as client:
            await asyncio.gather(*(visitor(n, client) for n in range(VISITORS)))
        assert killed.is_set()
        assert hosts.live == [ports[1]]

        today = datetime.now(UTC).date()
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{ports[1]}", timeout=SLOW_SECONDS
        ) as client:
            response = await client.post(
                SUMMARY,
                json={
                    "from": (today - timedelta(days=2)).isoformat(),
                    "to": (today + timedelta(days=2)).isoformat(),
                    "timezone_id": 67,
                    "currency_id": "USD",
                    "columns": [{"column": "offer"}],
                    "query": {"filters": []},
                },
                headers={"X-Eflow-API-Key": key},
            )
        assert response.status_code == 200, response.text
        summary = response.json()
    finally:
        for process in processes:
            kill_group(process)

    conn = await asyncpg.connect(pg_database.dsn)
    try:
        stored_clicks = [r[0] for r in await conn.fetch("SELECT transaction_id FROM click")]
        stored_conversions = {
            r[0]: r[1]
            for r in await conn.fetch("SELECT conversion_id, transaction_id FROM conversion")
        }
        approved = await conn.fetchval("SELECT count(*) FROM conversion WHERE status = 'approved'")
    finally:
        await conn.close()

    assert len(conversions) >= TOTAL
    assert len(stored_clicks) == len(set(stored_clicks)), "a transaction id was stored twice"
    assert set(clicks) <= set(stored_clicks), "an acknowledged click was lost"
    converted = list(stored_conversions.values())
    assert len(converted) == len(set(converted)), "a click converted twice"
    assert conversions.items() <= stored_conversions.items(), "an acknowledged conversion lost"
    assert (summary["total_click"], summary["cv"]) == (len(stored_clicks), approved)
