"""The console's delivery log (failures first, filters, pages), a delivery's attempts as a
real loopback server answered them, and resend through the API's rules."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest

from clicktrail.db import Database
from clicktrail.errors import Conflict, NotFound, ValidationFailed
from clicktrail.kit.timeutil import utcnow
from clicktrail.postback import deliveries
from tests.postback.conftest import Clock, MakeWorker, Sink, World, add_conversion, add_pixel

UTC = ZoneInfo("UTC")


def _today() -> date:
    return utcnow().date()


def test_filters_default_to_the_last_seven_network_days() -> None:
    filters = deliveries.parse_filters({}, date(2026, 3, 10))
    assert (filters.start_day, filters.end_day) == (date(2026, 3, 4), date(2026, 3, 10))
    assert (filters.status, filters.affiliate_id, filters.offer_id, filters.page) == (
        "",
        None,
        None,
        1,
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-02-30"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"to": "2026-01-01", "from": "2026-01-02"}, "to"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
        ({"to": "2200-01-01"}, "to"),
        ({"status": "exploded"}, "status"),
        ({"affiliate_id": "-3"}, "affiliate_id"),
        ({"offer_id": "99999999999"}, "offer_id"),
        ({"offer_id": "١٢"}, "offer_id"),
        ({"page": "0"}, "page"),
        ({"page": "x"}, "page"),
    ],
)
def test_bad_filters_name_their_field(params: dict[str, str], field: str) -> None:
    with pytest.raises(ValidationFailed) as caught:
        deliveries.parse_filters(params, date(2026, 3, 10))
    assert caught.value.field == field


def test_links_keep_the_filters_and_drop_the_first_page() -> None:
    filters = deliveries.parse_filters(
        {"from": "2026-03-01", "to": "2026-03-02", "affiliate_id": "1", "page": "3"},
        date(2026, 3, 10),
    )
    assert filters.query(page=1) == {"from": "2026-03-01", "to": "2026-03-02", "affiliate_id": "1"}
    assert filters.query(page=4)["page"] == "4"


async def test_failures_come_first_and_filters_narrow_the_list(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker, clock: Clock
) -> None:
    ok = await add_pixel(
        db, network_affiliate_id=world.affiliate.network_affiliate_id, postback_url=sink.url("/ok")
    )
    bad = await add_pixel(
        db,
        network_affiliate_id=world.other_affiliate.network_affiliate_id,
        postback_url=sink.url("/fail?c={conversion_id}"),
    )
    delivered = await add_conversion(db, world.offer, world.affiliate)
    failing = await add_conversion(db, world.other_offer, world.other_affiliate)
    worker = make_worker(postback_max_attempts=2)
    for _ in range(2):
        await worker.run_once()
        clock.advance(3600)

    async with db.read() as session:
        log = await deliveries.delivery_log(session, deliveries.parse_filters({}, _today()), UTC)
        assert [r.delivery.conversion_id for r in log.rows] == [failing, delivered]
        assert [r.delivery.state for r in log.rows] == ["failed", "succeeded"]
        assert (log.rows[0].offer_name, log.rows[0].affiliate_name) == (
            "Second Offer",
            "Someone Else",
        )
        assert log.total == 2
        assert (log.counts["failed"], log.counts["succeeded"], log.counts["failure"]) == (1, 1, 1)

        failures = await deliveries.delivery_log(
            session, deliveries.parse_filters({"status": "failure"}, _today()), UTC
        )
        assert [r.delivery.network_pixel_id for r in failures.rows] == [bad.network_pixel_id]
        assert failures.total == 1

        mine = await deliveries.delivery_log(
            session,
            deliveries.parse_filters(
                {"affiliate_id": str(world.affiliate.network_affiliate_id)}, _today()
            ),
            UTC,
        )
        assert [r.delivery.network_pixel_id for r in mine.rows] == [ok.network_pixel_id]

        by_offer = await deliveries.delivery_log(
            session,
            deliveries.parse_filters(
                {"offer_id": str(world.other_offer.network_offer_id)}, _today()
            ),
            UTC,
        )
        assert [r.delivery.conversion_id for r in by_offer.rows] == [failing]

        earlier = _today() - timedelta(days=30)
        old = await deliveries.delivery_log(
            session,
            deliveries.parse_filters(
                {"from": earlier.isoformat(), "to": (earlier + timedelta(1)).isoformat()}, _today()
            ),
            UTC,
        )
        assert (old.rows, old.total) == ([], 0)


async def test_pages_hold_at_most_a_page_size(db: Database, world: World) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url="http://127.0.0.1:9/x",
    )
    for _ in range(deliveries.PAGE_SIZE + 3):
        await add_conversion(db, world.offer, world.affiliate)
    async with db.read() as session:
        first = await deliveries.delivery_log(session, deliveries.parse_filters({}, _today()), UTC)
        second = await deliveries.delivery_log(
            session, deliveries.parse_filters({"page": "2"}, _today()), UTC
        )
    assert (len(first.rows), len(second.rows), first.total, first.pages) == (
        deliveries.PAGE_SIZE,
        3,
        deliveries.PAGE_SIZE + 3,
        2,
    )
    seen = {r.delivery.id for r in first.rows} | {r.delivery.id for r in second.rows}
    assert len(seen) == deliveries.PAGE_SIZE + 3


async def test_a_delivery_shows_each_attempt_and_resends_when_it_gave_up(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker, clock: Clock
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/fail?c={conversion_id}"),
    )
    conversion_id = await add_conversion(db, world.offer, world.affiliate)
    worker = make_worker(postback_max_attempts=2)
    for _ in range(2):
        await worker.run_once()
        clock.advance(3600)
    async with db.read() as session:
        (row,) = (
            await deliveries.delivery_log(session, deliveries.parse_filters({}, _today()), UTC)
        ).rows
        detail = await deliveries.delivery_detail(session, row.delivery.id)
    assert detail.can_resend
    assert detail.offer is not None
    assert detail.offer.name == "Example Offer"
    assert [(a.attempt_no, a.status_code) for a in detail.attempts] == [(1, 500), (2, 500)]
    assert detail.attempts[0].url == sink.url(f"/fail?c={conversion_id}")
    assert "upstream broke" in detail.attempts[0].response_excerpt
    assert len(sink.requests) == 2

    async with db.write() as session:
        result = await deliveries.resend_delivery(session, row.delivery.id)
    assert (result["resent"], result["paused"]) == (1, 0)
    await worker.run_once()
    assert len(sink.requests) == 3
    async with db.read() as session:
        again = await deliveries.delivery_detail(session, row.delivery.id)
    assert [a.attempt_no for a in again.attempts] == [1, 2, 3]
    assert not again.can_resend  # retrying again, not given up

    async with db.write() as session:
        with pytest.raises(Conflict):
            await deliveries.resend_delivery(session, row.delivery.id)
        with pytest.raises(NotFound):
            await deliveries.resend_delivery(session, row.delivery.id + 1000)
    async with db.read() as session:
        with pytest.raises(NotFound):
            await deliveries.delivery_detail(session, row.delivery.id + 1000)
