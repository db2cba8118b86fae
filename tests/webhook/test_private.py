"""Nothing goes to a private address: a literal one is refused at registration (400 naming
``url``), a name that resolves to one is refused by the postback guard when it is sent."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.config import Settings
from clicktrail.db import Database
from clicktrail.models import NetworkWebhook, PostbackAttempt, PostbackDelivery
from tests.postback.conftest import MakeWorker, World
from tests.webhook.conftest import WEBHOOKS, Receiver, convert, register


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The server as deployed: private addresses refused."""
    return settings.model_copy(update={"postback_allow_private": False})


async def test_literal_private_addresses_are_refused_at_registration(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    for url in (
        "http://127.0.0.1:8080/hook",
        "http://10.1.2.3/hook",
        "https://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
    ):
        response = await client.post(
            WEBHOOKS,
            json={"url": url, "events": ["conversion_registered"]},
            headers=network_headers,
        )
        assert response.status_code == 400, (url, response.text)
        assert "url" in response.json()["error"]
        assert "not a public address" in response.json()["error"]
    async with db.read() as session:
        assert await session.scalar(select(func.count()).select_from(NetworkWebhook)) == 0


async def test_a_name_resolving_to_a_private_address_is_never_sent(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    receiver: Receiver,
    world: World,
    make_worker: MakeWorker,
) -> None:
    port = receiver.base.rsplit(":", 1)[1]
    await register(client, network_headers, f"http://localhost:{port}/ok")
    await convert(db, world)

    worker = make_worker(postback_allow_private=False)
    assert await worker.run_once() == 1
    assert receiver.received == []
    async with db.read() as session:
        [delivery] = (await session.scalars(select(PostbackDelivery))).all()
        [attempt] = (await session.scalars(select(PostbackAttempt))).all()
    assert delivery.kind == "webhook"
    assert delivery.state == "pending"
    assert attempt.status_code is None
    assert "blocked" in attempt.error
    assert "not a public address" in attempt.error
