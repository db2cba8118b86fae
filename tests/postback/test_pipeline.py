"""The worker's pipelined lanes (ADR 0108): every batch claimed, sent once and recorded;
a lane that fails hands back the batch it claimed ahead; healthy batches leave the pixel
alone."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import select, update

from clicktrail.db import Database
from clicktrail.models import Pixel, PostbackAttempt, PostbackDelivery
from clicktrail.postback.repository import Claimed
from clicktrail.postback.sender import AttemptResult
from tests.postback.conftest import Clock, MakeWorker, Sink, World, add_conversion, add_pixel


async def _deliveries(db: Database) -> list[PostbackDelivery]:
    async with db.read() as session:
        rows = await session.scalars(select(PostbackDelivery).order_by(PostbackDelivery.id))
        return list(rows)


async def test_one_lane_pipelines_batches_and_records_each_once(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok?c={conversion_id}"),
    )
    ids = [await add_conversion(db, world.offer, world.affiliate) for _ in range(10)]
    worker = make_worker(postback_batch_size=3)
    worker.lanes = 1

    assert await worker.drain() == 10

    assert sorted(r.query["c"] for r in sink.requests) == sorted(ids)
    deliveries = await _deliveries(db)
    assert {(d.state, d.attempts, d.in_flight_since) for d in deliveries} == {
        ("succeeded", 1, None)
    }
    async with db.read() as session:
        attempts = list(await session.scalars(select(PostbackAttempt)))
    assert sorted(a.delivery_id for a in attempts) == sorted(d.id for d in deliveries)


async def test_a_failed_lane_hands_back_the_batch_it_claimed_ahead(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker, clock: Clock
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok?c={conversion_id}"),
    )
    for _ in range(9):
        await add_conversion(db, world.offer, world.affiliate)
    worker = make_worker(postback_batch_size=3)

    async def broken(claimed: Sequence[Claimed], results: Sequence[AttemptResult]) -> None:
        raise RuntimeError("database gone")

    worker.record = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await worker.pipeline()

    # The first batch's write fails in the background while the second batch is sent; the
    # lane stops when it learns so, holding the third batch, claimed ahead.
    deliveries = await _deliveries(db)
    sent = {r.query["c"] for r in sink.requests}
    assert len(sent) == 6
    in_flight = [d for d in deliveries if d.conversion_id in sent]
    handed_back = [d for d in deliveries if d.conversion_id not in sent]
    # Sent but never recorded: leased, logged as an unknown outcome when the lease ends.
    assert all(d.in_flight_since is not None and d.next_attempt_at > clock() for d in in_flight)
    # Claimed ahead but never sent: due again now, nothing counted.
    assert len(handed_back) == 3
    assert all(
        (d.state, d.attempts, d.in_flight_since) == ("pending", 0, None)
        and d.next_attempt_at <= clock()
        for d in handed_back
    )


async def test_a_success_ends_a_streak_and_a_healthy_pixel_is_not_written(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker, clock: Clock
) -> None:
    pixel = await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok"),
    )
    async with db.write() as session:
        await session.execute(
            update(Pixel)
            .where(Pixel.network_pixel_id == pixel.network_pixel_id)
            .values(failure_streak=2, failure_streak_started_at=clock())
        )
    await add_conversion(db, world.offer, world.affiliate)
    worker = make_worker()

    assert await worker.run_once() == 1
    async with db.read() as session:
        stored = await session.get(Pixel, pixel.network_pixel_id)
        assert stored is not None
        assert (stored.failure_streak, stored.failure_streak_started_at) == (0, None)
        saved = stored.time_saved

    await add_conversion(db, world.offer, world.affiliate)
    clock.advance(60)
    assert await worker.run_once() == 1
    async with db.read() as session:
        stored = await session.get(Pixel, pixel.network_pixel_id)
        assert stored is not None
        assert (stored.failure_streak, stored.time_saved) == (0, saved)
