"""Delivery end to end: outbox rows -> worker -> a real loopback HTTP server -> recorded."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Pixel, PostbackAttempt, PostbackDelivery
from clicktrail.postback import service
from clicktrail.postback.schemas import NetworkPixelIn
from tests.postback.conftest import Clock, MakeWorker, Sink, World, add_conversion, add_pixel


async def _deliveries(db: Database) -> list[PostbackDelivery]:
    async with db.read() as session:
        rows = await session.scalars(select(PostbackDelivery).order_by(PostbackDelivery.id))
        return list(rows)


async def _attempts(db: Database) -> list[PostbackAttempt]:
    async with db.read() as session:
        rows = await session.scalars(select(PostbackAttempt).order_by(PostbackAttempt.id))
        return list(rows)


async def _pixel(db: Database, pixel_id: int) -> Pixel:
    async with db.read() as session:
        pixel = await session.get(Pixel, pixel_id)
        assert pixel is not None
        return pixel


async def test_success_renders_macros_and_records_the_attempt(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    template = "/ok?tid={transaction_id}&cid={conversion_id}&p={payout_amount}&s1={sub1}&x={nope}"
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url(template),
    )
    cid = await add_conversion(
        db, world.offer, world.affiliate, sub1="a b&c=d", payout=Decimal("12.5")
    )

    handled = await make_worker().run_once()

    assert handled == 1
    [request] = sink.requests
    assert request.query["cid"] == cid
    assert request.query["p"] == "12.50"
    assert request.query["s1"] == "a b&c=d"  # encoded on the wire, one parameter
    assert request.query["x"] == ""
    [delivery] = await _deliveries(db)
    assert delivery.state == "succeeded"
    assert delivery.attempts == 1
    assert delivery.failed_attempts == 0
    assert delivery.last_status_code == 200
    assert delivery.debug_information.startswith(f"PostbackUrl: {delivery.payload}\nStatus: 200")
    assert "Server: [sink/1.0]" in delivery.debug_information
    [attempt] = await _attempts(db)
    assert attempt.delivery_id == delivery.id
    assert attempt.status_code == 200
    assert attempt.response_excerpt == "ok"
    assert attempt.error == ""


async def test_failures_retry_on_the_backoff_schedule_then_give_up(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker, clock: Clock
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/fail"),
    )
    await add_conversion(db, world.offer, world.affiliate)
    worker = make_worker()  # base 10 s, cap 25 s, 4 attempts, no jitter

    expected_delays = [10, 20, 25]
    for delay in expected_delays:
        assert await worker.run_once() == 1
        [delivery] = await _deliveries(db)
        assert delivery.state == "pending"
        assert delivery.next_attempt_at == clock.now + timedelta(seconds=delay)
        clock.advance(delay - 1)
        assert await worker.run_once() == 0  # not due yet
        clock.advance(1)

    assert await worker.run_once() == 1
    [delivery] = await _deliveries(db)
    assert delivery.state == "failed"
    assert delivery.attempts == 4
    assert delivery.failed_attempts == 4
    assert delivery.last_status_code == 500
    assert "Body: upstream broke" in delivery.debug_information
    assert len(sink.requests) == 4
    assert [a.attempt_no for a in await _attempts(db)] == [1, 2, 3, 4]


async def test_slow_server_times_out(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/slow"),
    )
    await add_conversion(db, world.offer, world.affiliate)

    await make_worker(postback_timeout_seconds=0.2).run_once()

    [delivery] = await _deliveries(db)
    assert delivery.state == "pending"
    assert delivery.failed_attempts == 1
    assert delivery.last_status_code is None
    assert "Error: timeout" in delivery.debug_information
    assert len(sink.requests) == 1


async def test_nothing_listening_is_a_recorded_failure(
    db: Database, dead_url: str, world: World, make_worker: MakeWorker
) -> None:
    await add_pixel(
        db, network_affiliate_id=world.affiliate.network_affiliate_id, postback_url=dead_url
    )
    await add_conversion(db, world.offer, world.affiliate)

    await make_worker().run_once()

    [attempt] = await _attempts(db)
    assert attempt.status_code is None
    assert attempt.error.startswith("connection failed")
    [delivery] = await _deliveries(db)
    assert delivery.failed_attempts == 1


async def test_private_addresses_are_refused_unless_allowed(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    port = sink.base.rsplit(":", 1)[1]
    await add_pixel(
        db, network_affiliate_id=world.affiliate.network_affiliate_id, postback_url=sink.url("/ok")
    )
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=f"http://localhost:{port}/ok",  # a name that resolves to loopback
    )
    await add_conversion(db, world.offer, world.affiliate)

    await make_worker(postback_allow_private=False).run_once()

    assert sink.requests == []
    errors = sorted(a.error for a in await _attempts(db))
    assert errors[0].startswith("blocked: 127.0.0.1")
    assert errors[1].startswith("blocked: localhost resolves to")


async def test_redirects_are_followed_up_to_the_limit(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    aff = world.affiliate.network_affiliate_id
    await add_pixel(db, network_affiliate_id=aff, postback_url=sink.url("/redirect?a=1"))
    await add_pixel(db, network_affiliate_id=aff, postback_url=sink.url("/loop"))
    await add_conversion(db, world.offer, world.affiliate)

    await make_worker(postback_max_redirects=2).run_once()

    first, second = await _deliveries(db)
    assert first.state == "succeeded"
    assert "/ok?from=redirect&a=1" in sink.paths()
    assert second.state == "pending"
    assert "too many redirects" in second.debug_information
    assert sink.paths().count("/loop") == 3  # the first request and two redirects


async def test_large_bodies_are_read_only_up_to_the_limit(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    await add_pixel(
        db, network_affiliate_id=world.affiliate.network_affiliate_id, postback_url=sink.url("/big")
    )
    await add_conversion(db, world.offer, world.affiliate)

    await make_worker(postback_max_response_bytes=100).run_once()

    [attempt] = await _attempts(db)
    assert attempt.status_code == 200
    assert attempt.response_excerpt == "x" * 100


async def test_a_pixel_that_keeps_failing_is_disabled_and_resumes_when_reactivated(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker, clock: Clock
) -> None:
    pixel = await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/fail"),
    )
    for _ in range(4):
        await add_conversion(db, world.offer, world.affiliate)
    worker = make_worker(postback_disable_after_failures=3, postback_max_attempts=10)

    assert await worker.run_once() == 4

    stored = await _pixel(db, pixel.network_pixel_id)
    assert stored.pixel_status == "inactive"
    assert stored.disabled_reason.startswith("disabled after 3 consecutive failed postbacks")
    assert "HTTP 500" in stored.disabled_reason
    assert {d.state for d in await _deliveries(db)} == {"paused"}
    clock.advance(3600)
    assert await worker.run_once() == 0  # paused deliveries are not sent

    fixed = NetworkPixelIn(
        network_affiliate_id=world.affiliate.network_affiliate_id,
        pixel_level="global",
        pixel_status="active",
        postback_url=sink.url("/ok?t={transaction_id}"),
    )
    async with db.write() as session:
        await service.update_pixel(
            session, pixel.network_pixel_id, fixed, affiliate_id=None, allow_private=True
        )

    assert await worker.run_once() == 4
    assert {d.state for d in await _deliveries(db)} == {"succeeded"}
    assert sorted(sink.paths()[-4:]) == sorted(
        f"/ok?t={d.transaction_id}" for d in await _deliveries(db)
    )
    assert (await _pixel(db, pixel.network_pixel_id)).disabled_reason == ""


async def test_only_matching_pixels_fire(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    aff, other_aff = (
        world.affiliate.network_affiliate_id,
        world.other_affiliate.network_affiliate_id,
    )
    offer, other_offer = world.offer.network_offer_id, world.other_offer.network_offer_id
    entry_id = world.offer.payout_revenue[0].network_offer_payout_revenue_id
    await add_pixel(db, network_affiliate_id=aff, postback_url=sink.url("/ok?p=global"))
    await add_pixel(
        db,
        pixel_level="specific",
        network_affiliate_id=aff,
        network_offer_id=offer,
        postback_url=sink.url("/ok?p=specific"),
    )
    await add_pixel(
        db, pixel_level="global_offer", network_offer_id=offer, postback_url=sink.url("/ok?p=go")
    )
    await add_pixel(
        db,
        pixel_level="specific",
        network_affiliate_id=aff,
        network_offer_id=other_offer,
        postback_url=sink.url("/ok?p=wrong-offer"),
    )
    await add_pixel(db, network_affiliate_id=other_aff, postback_url=sink.url("/ok?p=other-aff"))
    await add_pixel(
        db,
        network_affiliate_id=aff,
        pixel_type="event",
        postback_url=sink.url("/ok?p=event&e={event_id}"),
    )
    await add_pixel(
        db, network_affiliate_id=aff, pixel_status="inactive", postback_url=sink.url("/ok?p=off")
    )
    await add_pixel(
        db, network_affiliate_id=aff, delivery_method="html", html_code="<img src='x?t={sub1}'>"
    )

    await add_conversion(db, world.offer, world.affiliate)
    await add_conversion(
        db,
        world.offer,
        world.affiliate,
        is_event=True,
        event_id=3,
        network_offer_payout_revenue_id=entry_id,
    )
    await add_conversion(db, world.offer, world.affiliate, status="pending")
    await make_worker().run_once()

    assert sorted(sink.paths()) == [
        "/ok?p=event&e=3",
        "/ok?p=global",
        "/ok?p=go",
        "/ok?p=specific",
    ]
    html = [d for d in await _deliveries(db) if d.delivery_method == "html"]
    assert [d.state for d in html] == ["skipped"]


async def test_delay_ms_postpones_the_first_attempt(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker, clock: Clock
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok"),
        delay_ms=300_000,
    )
    await add_conversion(db, world.offer, world.affiliate, now=clock.now)
    worker = make_worker()

    assert await worker.run_once() == 0
    clock.advance(300)
    assert await worker.run_once() == 1
    assert len(sink.requests) == 1


async def test_concurrent_workers_never_send_twice(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok?c={conversion_id}"),
    )
    ids = [await add_conversion(db, world.offer, world.affiliate) for _ in range(60)]
    workers = [make_worker(postback_batch_size=7) for _ in range(3)]

    totals = await asyncio.gather(*(w.drain() for w in workers))

    assert sum(totals) == 60
    sent = sorted(r.query["c"] for r in sink.requests)
    assert sent == sorted(ids)
    assert {d.state for d in await _deliveries(db)} == {"succeeded"}


async def test_worker_service_delivers_in_the_background(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    await add_pixel(
        db, network_affiliate_id=world.affiliate.network_affiliate_id, postback_url=sink.url("/ok")
    )
    await add_conversion(db, world.offer, world.affiliate)
    worker = make_worker(postback_poll_seconds=0.05)

    await worker.start()
    try:
        for _ in range(200):
            if sink.requests:
                break
            await asyncio.sleep(0.02)
    finally:
        await worker.stop()

    assert len(sink.requests) == 1
    [delivery] = await _deliveries(db)
    assert delivery.state == "succeeded"


async def test_a_batch_of_conversions_gets_each_its_own_pixels(db: Database, world: World) -> None:
    from clicktrail.kit.ids import new_hex_id
    from clicktrail.kit.timeutil import utcnow
    from clicktrail.models import Conversion
    from clicktrail.postback import outbox

    aff, other = world.affiliate.network_affiliate_id, world.other_affiliate.network_affiliate_id
    mine = await add_pixel(db, network_affiliate_id=aff, postback_url="https://a.example/?t={sub1}")
    theirs = await add_pixel(db, network_affiliate_id=other, postback_url="https://b.example/")
    now = utcnow()

    def conversion(affiliate_id: int, sub1: str, status: str = "approved") -> Conversion:
        return Conversion(
            conversion_id=new_hex_id(),
            network_offer_id=world.offer.network_offer_id,
            network_affiliate_id=affiliate_id,
            status=status,
            sub1=sub1,
            created_at=now,
            updated_at=now,
            click_at=None,
            creative_id=None,
            attributes=None,
        )

    batch = [conversion(aff, "x"), conversion(other, "y"), conversion(aff, "z", "rejected")]
    async with db.write() as session:
        session.add_all(batch)
        await session.flush()
        assert await outbox.enqueue_for_conversions(session, batch) == 2

    rows = {(d.conversion_id, d.network_pixel_id, d.payload) for d in await _deliveries(db)}
    assert rows == {
        (batch[0].conversion_id, mine.network_pixel_id, "https://a.example/?t=x"),
        (batch[1].conversion_id, theirs.network_pixel_id, "https://b.example/"),
    }


async def test_a_postback_whose_host_a_macro_fills_is_never_sent(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    """A URL saved before such macros were refused (ADR 0066): the visitor's sub1 would
    choose the host, so the delivery is skipped; an inactive pixel's waits paused and goes
    to the fixed URL once the pixel is active again."""
    port = sink.base.rsplit(":", 1)[1]
    active = await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=f"http://{{sub1}}:{port}/ok?t={{transaction_id}}",
    )
    inactive = await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=f"http://{{sub1}}:{port}/ok?t={{transaction_id}}",
        pixel_status="inactive",
    )
    await add_conversion(db, world.offer, world.affiliate, sub1="127.0.0.1")

    assert await make_worker().run_once() == 0
    assert sink.requests == []
    states = {d.network_pixel_id: (d.state, d.debug_information) for d in await _deliveries(db)}
    assert states[active.network_pixel_id][0] == "skipped"
    assert states[active.network_pixel_id][1].startswith("Refused: the postback URL has a macro")
    assert states[inactive.network_pixel_id][0] == "paused"

    fixed = NetworkPixelIn(
        network_affiliate_id=world.affiliate.network_affiliate_id,
        pixel_level="global",
        pixel_status="active",
        postback_url=sink.url("/ok?t={transaction_id}&s1={sub1}"),
    )
    async with db.write() as session:
        await service.update_pixel(
            session, inactive.network_pixel_id, fixed, affiliate_id=None, allow_private=True
        )
    assert await make_worker().run_once() == 1
    [request] = sink.requests
    assert request.query["s1"] == "127.0.0.1"
    final = {d.network_pixel_id: d.state for d in await _deliveries(db)}
    assert final == {active.network_pixel_id: "skipped", inactive.network_pixel_id: "succeeded"}
