"""A 302 means the click is committed: kill -9 the server under load, restart, count."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from pathlib import Path

import httpx
import pytest

from clicktrail.db import Database
from tests.fixtures.database import sqlite_copy
from tests.fixtures.factories import make_affiliate, make_key, make_offer
from tests.fixtures.server import SLOW_SECONDS, free_port, kill_group, ready, serve


@pytest.mark.slow
async def test_every_acknowledged_click_survives_kill_9(
    tmp_path: Path, sqlite_template: Path
) -> None:
    url = sqlite_copy(sqlite_template, tmp_path)
    db = Database(url)
    offer = await make_offer(db, destination_url="https://lp.example/?tid={transaction_id}")
    affiliate = await make_affiliate(db)
    key = await make_key(db, "network")
    await db.dispose()
    link = f"/c?oid={offer.network_offer_id}&affid={affiliate.network_affiliate_id}"
    log = tmp_path / "server.log"
    port = free_port()
    # Clicks only: the conversion writer process would be one more interpreter for nothing.
    clicks_only = {"CLICKTRAIL_CONVERSION_WRITER_PROCESS": "false"}
    process = serve(url, port, log, env=clicks_only)
    acknowledged: list[str] = []
    try:
        await ready(port, process, log)
        stop = asyncio.Event()
        enough = asyncio.Event()

        async def visitor(n: int) -> None:
            # A bare keep-alive HTTP/1.1 client: cheap enough to load the server for real.
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            try:
                for i in range(1_000_000):
                    if stop.is_set():
                        return
                    request = f"GET {link}&sub1={n}-{i} HTTP/1.1\r\nHost: t.example\r\n\r\n"
                    writer.write(request.encode())
                    head = await reader.readuntil(b"\r\n\r\n")
                    status = head.split(b" ", 2)[1]
                    assert status == b"302", head
                    location = re.search(rb"(?i)\r\nlocation: ([^\r]+)", head)
                    assert location is not None
                    acknowledged.append(location.group(1).decode().rsplit("tid=", 1)[1])
                    if len(acknowledged) >= 300:
                        enough.set()
            except (OSError, asyncio.IncompleteReadError):
                return  # the server is gone
            finally:
                writer.close()

        tasks = [asyncio.create_task(visitor(n)) for n in range(32)]
        waiter = asyncio.create_task(enough.wait())
        await asyncio.wait([waiter, *tasks], return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
        kill_group(process)  # mid-load, no warning
        stop.set()
        await asyncio.gather(*tasks)
    finally:
        kill_group(process)
    assert len(acknowledged) >= 300

    port = free_port()
    process = serve(url, port, log, env=clicks_only)
    try:
        await ready(port, process, log)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", timeout=SLOW_SECONDS
        ) as client:
            response = await client.get(
                f"/v1/networks/reporting/clicks/{acknowledged[-1]}",
                headers={"X-Eflow-API-Key": key},
            )
            assert response.status_code == 200
            assert response.json()["transaction_id"] == acknowledged[-1]
            assert (await client.get(link)).status_code == 302  # tracking again
    finally:
        kill_group(process)

    with sqlite3.connect(tmp_path / "clicktrail.db") as conn:
        stored = {row[0] for row in conn.execute("SELECT transaction_id FROM click")}
    missing = [t for t in acknowledged if t not in stored]
    assert missing == [], f"{len(missing)} acknowledged clicks lost"
