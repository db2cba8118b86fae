"""``serve --workers 2`` leaves no orphan when its supervisor is killed (issue 14, item 8)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from clicktrail.db import Database
from tests.fixtures.database import sqlite_copy
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.server import SLOW_SECONDS, free_port, kill_group, ready, serve


def _session_members(sid: int) -> set[int]:
    """Live (not zombie) processes of session ``sid`` (``serve`` starts its own session, and
    every process it starts stays in it)."""
    members: set[int] = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError):
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z" and int(fields[3]) == sid:
                members.add(int(entry.name))
    return members


def _live(pids: set[int]) -> set[int]:
    """Those of ``pids`` that are still live processes (zombies count as gone)."""
    live: set[int] = set()
    for pid in pids:
        with contextlib.suppress(OSError):
            stat = Path(f"/proc/{pid}/stat").read_text()
            if stat[stat.rindex(")") + 2] != "Z":
                live.add(pid)
    return live


async def _gone(pids: set[int], seconds: float) -> set[int]:
    deadline = time.monotonic() + seconds
    alive = pids
    while time.monotonic() < deadline:
        alive = _live(alive)
        if not alive:
            return alive
        await asyncio.sleep(0.1)
    return alive


@pytest.mark.slow
async def test_killing_the_supervisor_ends_every_child_and_a_restart_binds_the_port(
    tmp_path: Path, sqlite_template: Path
) -> None:
    url = sqlite_copy(sqlite_template, tmp_path)
    db = Database(url)
    offer = await make_offer(db, destination_url="https://lp.example/?tid={transaction_id}")
    affiliate = await make_affiliate(db)
    await db.dispose()
    log = tmp_path / "server.log"
    port = free_port()
    first = serve(url, port, log, "--workers", "2")
    second = None
    try:
        await ready(port, first, log)
        link = f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}"
        # The first postback of each worker waits for its writer process to start.
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=SLOW_SECONDS
        ) as client:
            # Clicks and conversions through both workers, so their writer processes run.
            clicks = [await client.get(f"{link}&sub1=o{i}") for i in range(20)]
            assert {r.status_code for r in clicks} == {302}
            for click in clicks:
                tid = click.headers["location"].rsplit("tid=", 1)[1]
                posted = await client.get("/", params={"nid": "1", "transaction_id": tid})
                assert posted.status_code == 200
        children = _session_members(first.pid) - {first.pid}
        assert len(children) >= 3  # two workers and at least one writer process

        os.kill(first.pid, signal.SIGKILL)
        first.wait()

        assert await _gone(children, SLOW_SECONDS) == set()
        second = serve(url, port, log, "--workers", "2")
        await ready(port, second, log)
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
        assert health.status_code == 200
        assert "Address already in use" not in await asyncio.to_thread(log.read_text)
    finally:
        kill_group(first)
        if second is not None:
            kill_group(second)
