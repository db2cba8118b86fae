"""Conversion caps across server processes: 256 postbacks at once on ``serve --workers 2``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, insert, select

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Click, Conversion, PostbackDelivery
from tests.caps.helpers import set_caps
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.server import SLOW_SECONDS, free_port, kill_group, ready, serve
from tests.postback.conftest import add_pixel

CAP = 10
POSTBACKS = 256


@pytest.mark.slow
async def test_256_postbacks_across_two_workers_never_approve_past_the_cap(
    database_url: str, tmp_path: Path
) -> None:
    db = Database(database_url)
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    await set_caps(db, offer, daily_conversion_cap=CAP)
    await add_pixel(
        db,
        network_affiliate_id=affiliate.network_affiliate_id,
        postback_url="https://partner.example/pb?tid={transaction_id}",
    )
    tids = [new_hex_id() for _ in range(POSTBACKS)]
    now = utcnow()
    async with db.write() as session:
        await session.execute(
            insert(Click),
            [
                {
                    "transaction_id": tid,
                    "created_at": now,
                    "network_offer_id": offer.network_offer_id,
                    "network_affiliate_id": affiliate.network_affiliate_id,
                    "network_advertiser_id": offer.network_advertiser_id,
                }
                for tid in tids
            ],
        )
    log = tmp_path / "server.log"
    port = free_port()
    process = serve(database_url, port, log, "--workers", "2")
    # A new connection per request, all at once: the postbacks land on both workers.
    limits = httpx.Limits(max_connections=POSTBACKS, max_keepalive_connections=0)
    try:
        await ready(port, process, log)
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", limits=limits, timeout=SLOW_SECONDS
        ) as client:
            answers = await asyncio.gather(
                *(client.get("/", params={"nid": "1", "transaction_id": t}) for t in tids)
            )
    finally:
        kill_group(process)
    assert {a.status_code for a in answers} == {200}
    statuses = [a.json()["status"] for a in answers]
    assert statuses.count("approved") == CAP
    async with db.read() as session:
        rows = (await session.execute(select(Conversion.status, Conversion.error_code))).all()
        deliveries = await session.scalar(select(func.count()).select_from(PostbackDelivery))
    await db.dispose()
    assert len(rows) == POSTBACKS
    assert sum(1 for status, _ in rows if status == "approved") == CAP
    assert sum(1 for _, code in rows if code == 4) == POSTBACKS - CAP
    assert deliveries == CAP  # an affiliate postback for each approved one, none for refusals
