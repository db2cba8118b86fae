"""Test-firing a pixel: one real request through the delivery code; private addresses are
refused as for a real delivery; nothing is stored; another affiliate's pixel is NotFound."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clicktrail.config import Settings
from clicktrail.db import Database
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.models import PostbackAttempt, PostbackDelivery
from clicktrail.postback.delivery_log import delivery_log
from clicktrail.postback.testfire import TEST_MARK, fire_test
from tests.postback.conftest import MakeWorker, Sink, World, add_conversion, add_pixel


async def test_fire_reaches_the_url_with_rendered_macros(
    db: Database, settings: Settings, sink: Sink, world: World
) -> None:
    aid = world.affiliate.network_affiliate_id
    pixel = await add_pixel(
        db,
        network_affiliate_id=aid,
        network_offer_id=world.offer.network_offer_id,
        pixel_level="specific",
        postback_url=sink.url("/ok?tid={transaction_id}&s1={sub1}&p={payout}&o={offer_name}"),
    )
    async with db.read() as session:
        result = await fire_test(
            session, pixel.network_pixel_id, affiliate_id=aid, settings=settings
        )
    assert result.ok
    assert result.status_code == 200
    assert result.excerpt == "ok"
    assert len(sink.requests) == 1
    query = sink.requests[0].query
    assert query["s1"] == TEST_MARK
    assert query["p"] == "5.00"
    assert query["o"] == "Example Offer"
    assert len(query["tid"]) == 32
    async with db.read() as session:
        stored = await session.scalar(select(func.count()).select_from(PostbackDelivery))
    assert stored == 0


async def test_fire_refuses_a_private_address_like_the_guard(
    db: Database, settings: Settings, sink: Sink, world: World
) -> None:
    aid = world.affiliate.network_affiliate_id
    # A name, not a literal: it passes validation and is refused when resolved.
    url = sink.url("/ok").replace("127.0.0.1", "localhost")
    pixel = await add_pixel(db, network_affiliate_id=aid, postback_url=url)
    strict = settings.model_copy(update={"postback_allow_private": False})
    async with db.read() as session:
        result = await fire_test(session, pixel.network_pixel_id, affiliate_id=aid, settings=strict)
    assert result.blocked
    assert not result.ok
    assert "not a public address" in result.error
    assert sink.requests == []


async def test_fire_is_refused_for_others_and_for_html_pixels(
    db: Database, settings: Settings, sink: Sink, world: World
) -> None:
    mine = world.affiliate.network_affiliate_id
    other = world.other_affiliate.network_affiliate_id
    pixel = await add_pixel(db, network_affiliate_id=mine, postback_url=sink.url("/ok"))
    html = await add_pixel(
        db, network_affiliate_id=mine, delivery_method="html", html_code="<img src=x>"
    )
    async with db.read() as session:
        with pytest.raises(NotFound):
            await fire_test(session, pixel.network_pixel_id, affiliate_id=other, settings=settings)
        with pytest.raises(ValidationFailed):
            await fire_test(session, html.network_pixel_id, affiliate_id=mine, settings=settings)
    assert sink.requests == []


async def test_delivery_log_lists_deliveries_with_attempts(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker
) -> None:
    mine = world.affiliate.network_affiliate_id
    pixel = await add_pixel(db, network_affiliate_id=mine, postback_url=sink.url("/fail"))
    await add_conversion(db, world.offer, world.affiliate)
    await make_worker().run_once()
    page = PageRequest(page=1, page_size=10)
    async with db.read() as session:
        log = await delivery_log(session, pixel.network_pixel_id, affiliate_id=mine, page=page)
        with pytest.raises(NotFound):
            await delivery_log(
                session,
                pixel.network_pixel_id,
                affiliate_id=world.other_affiliate.network_affiliate_id,
                page=page,
            )
        attempts = await session.scalar(select(func.count()).select_from(PostbackAttempt))
    assert log.total == 1
    assert attempts == 1
    [logged] = log.deliveries
    assert [(a.status_code, a.response_excerpt) for a in logged.attempts] == [
        (500, "upstream broke")
    ]
