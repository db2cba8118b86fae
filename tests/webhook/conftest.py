"""Webhook test fixtures: a loopback receiver that keeps every POST's headers and exact body
bytes, the postback worker and its clock (from tests/postback), and helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from aiohttp import web

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import record
from clicktrail.db import Database
from tests.fixtures.factories import make_click
from tests.postback.conftest import (  # noqa: F401  (fixtures used by this directory's tests)
    World,
    clock,
    make_worker,
    worker_settings,
    world,
)

WEBHOOKS = "/v1/networks/webhooks"


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """An aiohttp.web server on 127.0.0.1. ``/ok`` answers 204; ``/flaky`` answers 503 to
    its first request and 200 after; ``/moved`` redirects to ``/ok``; anything else 404.
    Keeps every request."""

    base: str = ""
    received: list[Received] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}{path}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        self.received.append(Received(request.path, dict(request.headers), body))
        if request.path == "/ok":
            return web.Response(status=204)
        if request.path == "/moved":
            return web.Response(status=307, headers={"Location": "/ok"})
        if request.path == "/flaky":
            seen = sum(1 for r in self.received if r.path == "/flaky")
            return web.Response(status=503 if seen == 1 else 200, text="busy")
        return web.Response(status=404)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", state.handle)
    runner = web.AppRunner(app, shutdown_timeout=0.1)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield state
    finally:
        await runner.cleanup()


async def register(
    client: httpx.AsyncClient, headers: dict[str, str], url: str, **fields: Any
) -> dict[str, Any]:
    """Create an endpoint through the API; returns the answer (with its secret)."""
    body = {"url": url, "events": fields.pop("events", ["conversion_registered"]), **fields}
    response = await client.post(WEBHOOKS, json=body, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def convert(db: Database, scene: World, **click_fields: Any) -> str:
    """Record a conversion on a click through the conversion service; returns its id."""
    click = await make_click(db, scene.offer, scene.affiliate, **click_fields)
    async with db.write() as session:
        recorded = await record(
            session, ConversionDraft(source="api", transaction_id=click.transaction_id)
        )
    return recorded.conversion.conversion_id
