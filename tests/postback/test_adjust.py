"""Conversion changes and the affiliate's postbacks, through the API to a loopback server:
approving fires, a money-only change never fires again but an unsent postback carries the
new amounts."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import PostbackDelivery
from tests.postback.conftest import MakeWorker, Sink, World, add_conversion, add_pixel

STATUS = "/v1/networks/reporting/conversions"


def _one(cid: str, what: str) -> str:
    return f"/v1/networks/reporting/conversions/{cid}/{what}"


async def test_approving_fires_the_postback_and_a_payout_change_does_not_refire(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    db: Database,
    sink: Sink,
    world: World,
    make_worker: MakeWorker,
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok?cid={conversion_id}&p={payout}"),
    )
    cid = await add_conversion(db, world.offer, world.affiliate, status="pending")
    worker = make_worker()
    assert await worker.run_once() == 0  # a pending conversion fires nothing

    response = await client.patch(
        STATUS,
        json={"conversion_ids": [cid], "conversion_status": "approved", "notes": "checked"},
        headers=network_headers,
    )
    assert response.status_code == 200, response.text
    assert await worker.run_once() == 1
    assert sink.paths() == [f"/ok?cid={cid}&p=5.00"]

    response = await client.put(
        _one(cid, "payoutrevenue"), json={"payout": 7.5, "revenue": 9}, headers=network_headers
    )
    assert response.status_code == 200, response.text
    assert await worker.run_once() == 0
    assert len(sink.requests) == 1


async def test_a_payout_change_before_delivery_sends_the_new_amount_once(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    db: Database,
    sink: Sink,
    world: World,
    make_worker: MakeWorker,
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok?p={payout}"),
    )
    cid = await add_conversion(db, world.offer, world.affiliate, payout=Decimal("5"))
    response = await client.put(
        _one(cid, "payoutrevenue"), json={"payout": 6.25, "revenue": 8}, headers=network_headers
    )
    assert response.status_code == 200, response.text
    async with db.read() as session:
        [delivery] = (await session.scalars(select(PostbackDelivery))).all()
    assert delivery.state == "pending"
    assert await make_worker().run_once() == 1
    assert sink.paths() == ["/ok?p=6.25"]
