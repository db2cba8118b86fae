"""Webhook deliveries end to end: recorded in the conversion's transaction, POSTed by the
postback worker to a real loopback server, and verified there by an independent Standard
Webhooks implementation (the ``standardwebhooks`` package)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import event, select
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from clicktrail.conversion.adjust import change_status
from clicktrail.db import Database
from clicktrail.models import Conversion, PostbackAttempt, PostbackDelivery
from clicktrail.webhook import outbox
from clicktrail.webhook.directory import DIRECTORY
from tests.postback.conftest import Clock, MakeWorker, World
from tests.webhook.conftest import WEBHOOKS, Received, Receiver, convert, register


def verified(secret: str, received: Received) -> dict[str, Any]:
    """The body, once the receiver's own library has checked its signature."""
    payload: dict[str, Any] = Webhook(secret).verify(received.body, received.headers)
    return payload


async def _deliveries(db: Database) -> list[PostbackDelivery]:
    async with db.read() as session:
        query = select(PostbackDelivery).order_by(PostbackDelivery.id)
        return list((await session.scalars(query)).all())


async def test_a_conversion_is_posted_signed_and_verifies(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    receiver: Receiver,
    world: World,
    make_worker: MakeWorker,
) -> None:
    created = await register(client, network_headers, receiver.url("/ok"))
    conversion_id = await convert(db, world, sub1="ad-42")

    assert await make_worker().run_once() == 1
    [got] = receiver.received
    assert got.path == "/ok"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["webhook-id"].startswith("msg_")
    assert got.headers["webhook-signature"].startswith("v1,")
    body = verified(created["secret"], got)
    assert body["webhook_event"] == "conversion_registered"
    assert body["conversion_id"] == conversion_id
    assert body["status"] == "approved"
    assert body["is_event"] is False
    assert body["event"] == ""
    assert body["sub1"] == "ad-42"
    assert body["relationship"]["offer"]["name"] == "Example Offer"
    assert body["relationship"]["affiliate"]["name"] == "John Doe Inc."
    assert body["relationship"]["affiliate"]["network_affiliate_id"] == (
        world.affiliate.network_affiliate_id
    )
    assert "previous_status" not in body

    # A body changed by one byte, another secret or a replayed old timestamp do not verify.
    with pytest.raises(WebhookVerificationError):
        Webhook(created["secret"]).verify(got.body + b" ", got.headers)
    rotated = (
        await client.post(
            f"{WEBHOOKS}/{created['network_webhook_id']}/secret", headers=network_headers
        )
    ).json()
    with pytest.raises(WebhookVerificationError):
        Webhook(rotated["secret"]).verify(got.body, got.headers)
    stale = {**got.headers, "webhook-timestamp": str(int(got.headers["webhook-timestamp"]) - 3600)}
    with pytest.raises(WebhookVerificationError):
        Webhook(created["secret"]).verify(got.body, stale)

    [delivery] = await _deliveries(db)
    assert (delivery.kind, delivery.state, delivery.network_pixel_id) == (
        "webhook",
        "succeeded",
        None,
    )
    assert delivery.message_id == got.headers["webhook-id"]
    assert delivery.body.encode() == got.body
    assert delivery.last_status_code == 204


async def test_a_retry_keeps_the_webhook_id_and_is_signed_again(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    receiver: Receiver,
    world: World,
    make_worker: MakeWorker,
    clock: Clock,
) -> None:
    created = await register(client, network_headers, receiver.url("/flaky"))
    await convert(db, world)
    worker = make_worker()

    assert await worker.run_once() == 1
    [delivery] = await _deliveries(db)
    assert (delivery.state, delivery.last_status_code) == ("pending", 503)
    assert await worker.run_once() == 0  # not due before its backoff
    clock.advance(11)
    assert await worker.run_once() == 1

    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert first.body == second.body
    assert verified(created["secret"], first) == verified(created["secret"], second)
    [delivery] = await _deliveries(db)
    assert (delivery.state, delivery.attempts, delivery.failed_attempts) == ("succeeded", 2, 1)
    async with db.read() as session:
        attempts = (await session.scalars(select(PostbackAttempt))).all()
    assert [a.status_code for a in attempts] == [503, 200]

    log = await client.get(
        f"{WEBHOOKS}/{created['network_webhook_id']}/deliveries", headers=network_headers
    )
    assert log.status_code == 200, log.text
    [entry] = log.json()["deliveries"]
    assert entry["message_id"] == first.headers["webhook-id"]
    assert entry["webhook_event"] == "conversion_registered"
    assert (entry["delivery_status"], entry["attempt_count"]) == ("succeeded", 2)
    assert [a["status_code"] for a in entry["relationship"]["attempts"]] == [503, 200]
    assert log.json()["paging"]["total_count"] == 1
    missing = await client.get(f"{WEBHOOKS}/999/deliveries", headers=network_headers)
    assert missing.status_code == 404


async def test_a_redirect_is_not_followed_with_the_body(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    receiver: Receiver,
    world: World,
    make_worker: MakeWorker,
) -> None:
    await register(client, network_headers, receiver.url("/moved"))
    await convert(db, world)
    assert await make_worker().run_once() == 1
    assert [r.path for r in receiver.received] == ["/moved"]
    [delivery] = await _deliveries(db)
    assert (delivery.state, delivery.last_status_code) == ("pending", 307)


async def test_a_status_change_fires_one_notification(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    receiver: Receiver,
    world: World,
    make_worker: MakeWorker,
) -> None:
    created = await register(
        client, network_headers, receiver.url("/ok"), events=["conversion_status_changed"]
    )
    conversion_id = await convert(db, world)
    assert await _deliveries(db) == []  # not subscribed to registrations

    async with db.write() as session:
        await change_status(session, [conversion_id], "rejected")
    async with db.write() as session:  # no change: no notification
        await change_status(session, [conversion_id], "rejected")

    assert await make_worker().run_once() == 1
    [got] = receiver.received
    body = verified(created["secret"], got)
    assert body["webhook_event"] == "conversion_status_changed"
    assert (body["previous_status"], body["status"]) == ("approved", "rejected")
    assert body["conversion_id"] == conversion_id


async def test_paused_and_unsubscribed_endpoints_get_nothing_and_delete_cancels(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    receiver: Receiver,
    world: World,
    make_worker: MakeWorker,
) -> None:
    await register(client, network_headers, receiver.url("/ok"), webhook_status="paused")
    await register(client, network_headers, receiver.url("/ok"), events=["event_registered"])
    doomed = await register(client, network_headers, receiver.url("/ok"))
    await convert(db, world)

    [delivery] = await _deliveries(db)
    assert delivery.network_webhook_id == doomed["network_webhook_id"]
    response = await client.delete(
        f"{WEBHOOKS}/{doomed['network_webhook_id']}", headers=network_headers
    )
    assert response.status_code == 200
    assert await make_worker().run_once() == 0
    assert receiver.received == []
    [delivery] = await _deliveries(db)
    assert (delivery.state, delivery.network_webhook_id) == ("canceled", None)
    assert "deleted" in delivery.conversion_status_note


async def test_no_endpoint_costs_no_query(
    db: Database, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With no active endpoint the outbox answers from the process's cached check."""
    monkeypatch.setattr(DIRECTORY, "ttl", 3600.0)  # a slow machine must not expire it
    async with db.write() as session:
        DIRECTORY.invalidate()
        assert await DIRECTORY.any_active(session) is False  # warm: "none"
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        await convert(db, world)  # a real batch: its own queries run
        before = len(statements)
        async with db.write() as session:
            conversions = list((await session.scalars(select(Conversion))).all())
            after_select = len(statements)
            assert await outbox.enqueue_for_conversions(session, conversions) == 0
            assert await outbox.on_status_change(session, [(conversions[0], "pending")]) == 0
            assert len(statements) == after_select
        assert before > 0
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_bodies_are_compact_json_with_everflow_names() -> None:
    from datetime import UTC, datetime
    from decimal import Decimal

    from clicktrail.webhook.payload import Names, conversion_payload, encode

    moment = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    conversion = Conversion(
        conversion_id="a" * 32,
        network_id=1,
        transaction_id="b" * 32,
        network_offer_id=3,
        network_affiliate_id=4,
        network_advertiser_id=5,
        network_offer_payout_revenue_id=9,
        is_event=True,
        status="pending",
        created_at=moment,
        click_at=None,
        payout=Decimal("1.50"),
        revenue=Decimal("2"),
        sale_amount=Decimal("0"),
        payout_type="cpa",
        revenue_type="cpa",
        currency_id="EUR",
        coupon_code="",
        order_id="o-1",
        **{f"sub{i}": "" for i in range(1, 6)},
        **{f"adv{i}": "" for i in range(1, 6)},
        source_id="",
    )
    names = Names(events={9: "Purchase"})
    text = encode(
        conversion_payload(conversion, names, webhook_event="event_registered", generated_at=7)
    )
    assert " " not in text
    body = json.loads(text)
    assert body["event"] == "Purchase"
    assert body["is_event"] is True
    assert (body["payout"], body["revenue"], body["currency_id"]) == (1.5, 2, "EUR")
    assert body["conversion_unix_timestamp"] == int(moment.timestamp())
    assert body["click_unix_timestamp"] == 0
    assert body["webhook_generation_time"] == 7
