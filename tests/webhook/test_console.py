"""Webhook deliveries in the console's delivery log: named as webhooks, POSTed, not resent."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.models import PostbackDelivery
from tests.fixtures.web import sign_in_as
from tests.postback.conftest import MakeWorker, World
from tests.webhook.conftest import Receiver, convert, register


@pytest.fixture
async def web_client(app: ClicktrailApp) -> AsyncIterator[httpx.AsyncClient]:
    """A second client on the app, for the console's cookies."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_a_webhook_delivery_in_the_delivery_log(
    db: Database,
    client: httpx.AsyncClient,
    web_client: httpx.AsyncClient,
    network_headers: dict[str, str],
    receiver: Receiver,
    world: World,
    make_worker: MakeWorker,
) -> None:
    created = await register(client, network_headers, receiver.url("/ok"))
    conversion_id = await convert(db, world)
    assert await make_worker().run_once() == 1
    async with db.read() as session:
        delivery = await session.scalar(select(PostbackDelivery))
    assert delivery is not None
    await sign_in_as(web_client, db, "manager")

    listing = await web_client.get("/app/postbacks")
    assert listing.status_code == 200
    assert conversion_id[:12] in listing.text
    assert f"webhook <small>#{created['network_webhook_id']}</small>" in listing.text

    detail = await web_client.get(f"/app/postbacks/{delivery.id}")
    assert detail.status_code == 200
    assert f"POST {receiver.url('/ok')}" in detail.text
    assert delivery.message_id in detail.text
    assert "Resend postback" not in detail.text
