"""Through the conversion service and the advertiser postback to a loopback server."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from clicktrail.conversion.service import change_status
from clicktrail.db import Database
from clicktrail.models import Conversion, PostbackDelivery
from tests.fixtures.factories import make_click
from tests.postback.conftest import MakeWorker, Sink, World, add_pixel


async def test_advertiser_postback_to_affiliate_postback(
    client: httpx.AsyncClient, db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok?tid={transaction_id}&s1={sub1}&amt={sale_amount}"),
    )
    click = await make_click(db, world.offer, world.affiliate, sub1="ad-42")

    answer = await client.get(
        f"/?nid=1&transaction_id={click.transaction_id}&amount=19.90&order_id=A-1"
    )
    assert answer.status_code == 200, answer.text

    assert await make_worker().run_once() == 1
    assert sink.paths() == [f"/ok?tid={click.transaction_id}&s1=ad-42&amt=19.90"]

    async with db.read() as session:
        conversion = await session.scalar(
            select(Conversion).where(Conversion.transaction_id == click.transaction_id)
        )
        assert conversion is not None
    async with db.write() as session:
        await change_status(session, [conversion.conversion_id], "rejected")
    async with db.read() as session:
        [delivery] = (await session.scalars(select(PostbackDelivery))).all()
    assert delivery.state == "succeeded"
    assert delivery.conversion_status == "rejected"
    assert delivery.conversion_status_note.startswith("conversion approved -> rejected at ")
    assert delivery.conversion_status_note.endswith("after the postback was delivered")


async def test_rejected_before_delivery_is_never_sent_and_approval_requeues(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    from clicktrail.conversion.draft import ConversionDraft
    from clicktrail.conversion.service import record

    await add_pixel(
        db, network_affiliate_id=world.affiliate.network_affiliate_id, postback_url=sink.url("/ok")
    )
    click = await make_click(db, world.offer, world.affiliate)
    async with db.write() as session:
        recorded = await record(
            session, ConversionDraft(source="api", transaction_id=click.transaction_id)
        )
    cid = recorded.conversion.conversion_id
    async with db.write() as session:
        await change_status(session, [cid], "rejected")

    worker = make_worker()
    assert await worker.run_once() == 0
    assert sink.requests == []
    async with db.read() as session:
        [delivery] = (await session.scalars(select(PostbackDelivery))).all()
    assert delivery.state == "canceled"
    assert "before delivery; postback not sent" in delivery.conversion_status_note

    async with db.write() as session:
        await change_status(session, [cid], "approved")
    assert await worker.run_once() == 1
    assert len(sink.requests) == 1
