"""Postback test fixtures: a real loopback HTTP sink, a dead port, a controllable clock,
conversions written through the ORM, and a worker wired to all of them."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from aiohttp import web

from clicktrail.config import Settings
from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Affiliate, Conversion, Offer, Pixel
from clicktrail.postback import outbox
from clicktrail.postback.backoff import RetryPolicy, no_jitter
from clicktrail.postback.tasks import DeliveryWorker
from tests.fixtures.factories import make_affiliate, make_offer


@dataclass
class Sink:
    """An aiohttp.web server on 127.0.0.1: /ok 200, /fail 500, /slow never in time,
    /redirect -> /ok, /loop redirects forever, /big a large body. Records every request."""

    base: str = ""
    requests: list[web.Request] = field(default_factory=list)
    release: asyncio.Event = field(default_factory=asyncio.Event)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    def paths(self) -> list[str]:
        return [r.path_qs for r in self.requests]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(request)
        path = request.path
        if path.startswith("/fail"):
            return web.Response(status=500, text="upstream broke")
        if path.startswith("/slow"):
            await self.release.wait()
            return web.Response(text="late")
        if path.startswith("/redirect"):
            raise web.HTTPFound(f"/ok?from=redirect&{request.query_string}")
        if path.startswith("/loop"):
            raise web.HTTPFound("/loop")
        if path.startswith("/big"):
            return web.Response(body=b"x" * 1_000_000)
        return web.Response(text="ok", headers={"Server": "sink/1.0"})


@asynccontextmanager
async def running_sink() -> AsyncIterator[Sink]:
    """A :class:`Sink` listening on a free loopback port until the block ends."""
    state = Sink()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", state.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    state.base = f"http://127.0.0.1:{port}"
    try:
        yield state
    finally:
        state.release.set()
        await runner.cleanup()


@pytest.fixture
async def sink() -> AsyncIterator[Sink]:
    async with running_sink() as state:
        yield state


@pytest.fixture
def dead_url() -> str:
    """A loopback URL where nothing listens (the port was bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/postback"


class Clock:
    """Starts an hour ahead of real time, so rows enqueued "now" are already due."""

    def __init__(self) -> None:
        self.now = utcnow() + timedelta(hours=1)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def worker_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "postback_timeout_seconds": 5.0,
            "postback_max_attempts": 4,
            "postback_retry_base_seconds": 10.0,
            "postback_retry_cap_seconds": 25.0,
            "postback_disable_after_failures": 10,
        }
    )


MakeWorker = Callable[..., DeliveryWorker]


@pytest.fixture
async def make_worker(
    db: Database, worker_settings: Settings, clock: Clock
) -> AsyncIterator[MakeWorker]:
    made: list[DeliveryWorker] = []

    def _make(**overrides: Any) -> DeliveryWorker:
        settings = worker_settings.model_copy(update=overrides)
        worker = DeliveryWorker(
            db,
            settings,
            clock=clock,
            policy=RetryPolicy(
                max_attempts=settings.postback_max_attempts,
                base_seconds=settings.postback_retry_base_seconds,
                cap_seconds=settings.postback_retry_cap_seconds,
                jitter=no_jitter,
            ),
        )
        made.append(worker)
        return worker

    yield _make
    for worker in made:
        await worker.sender.close()


@dataclass
class World:
    affiliate: Affiliate
    other_affiliate: Affiliate
    offer: Offer
    other_offer: Offer


@pytest.fixture
async def world(db: Database) -> World:
    affiliate = await make_affiliate(db, name="John Doe Inc.")
    other = await make_affiliate(db, name="Someone Else")
    offer = await make_offer(db, name="Example Offer")
    other_offer = await make_offer(db, name="Second Offer")
    return World(affiliate, other, offer, other_offer)


async def add_pixel(db: Database, **fields: Any) -> Pixel:
    now = utcnow()
    values: dict[str, Any] = {
        "pixel_level": "global",
        "pixel_type": "conversion",
        "delivery_method": "postback",
        "time_created": now,
        "time_saved": now,
    }
    values.update(fields)
    async with db.write() as session:
        pixel = Pixel(**values)
        session.add(pixel)
        await session.flush()
        return pixel


async def add_conversion(db: Database, offer: Offer, affiliate: Affiliate, **fields: Any) -> str:
    """An approved conversion written through the ORM with its deliveries (the outbox)."""
    now = fields.pop("now", None) or utcnow()
    values: dict[str, Any] = {
        "conversion_id": new_hex_id(),
        "transaction_id": new_hex_id(),
        "network_offer_id": offer.network_offer_id,
        "network_affiliate_id": affiliate.network_affiliate_id,
        "network_advertiser_id": offer.network_advertiser_id,
        "status": "approved",
        "created_at": now,
        "updated_at": now,
        "click_at": None,
        "creative_id": None,
        "attributes": None,
        "payout": Decimal("5"),
        "revenue": Decimal("8"),
        "sale_amount": Decimal("0"),
    }
    values.update(fields)
    async with db.write() as session:
        conversion = Conversion(**values)
        session.add(conversion)
        await session.flush()
        await outbox.enqueue_for_conversion(session, conversion, now=now)
        return conversion.conversion_id
