"""The console's postback deliveries: failures first, a delivery's attempts as a real loopback
server answered them, resend (CSRF, only what gave up), filters, roles."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from clicktrail.config import Settings
from clicktrail.db import Database
from clicktrail.models import PostbackDelivery
from clicktrail.postback.backoff import RetryPolicy, no_jitter
from clicktrail.postback.tasks import DeliveryWorker
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.web import csrf, sign_in_as
from tests.postback.conftest import Clock, Sink, add_conversion, add_pixel, running_sink


@pytest.fixture
async def target() -> AsyncIterator[Sink]:
    async with running_sink() as sink:
        yield sink


@pytest.fixture
async def worker(db: Database, settings: Settings) -> AsyncIterator[tuple[DeliveryWorker, Clock]]:
    clock = Clock()
    tuned = settings.model_copy(
        update={"postback_max_attempts": 2, "postback_disable_after_failures": 10}
    )
    delivery_worker = DeliveryWorker(
        db,
        tuned,
        clock=clock,
        policy=RetryPolicy(max_attempts=2, base_seconds=10, cap_seconds=20, jitter=no_jitter),
    )
    try:
        yield delivery_worker, clock
    finally:
        await delivery_worker.sender.close()


async def _deliveries(db: Database) -> dict[str, PostbackDelivery]:
    async with db.read() as session:
        rows = await session.scalars(select(PostbackDelivery).order_by(PostbackDelivery.id))
        return {d.conversion_id: d for d in rows}


async def _one_failed_one_delivered(
    db: Database, target: Sink, worker: tuple[DeliveryWorker, Clock]
) -> tuple[str, str]:
    """A conversion whose postback gave up after two 500s, and one delivered; their ids."""
    good, bad = (
        await make_affiliate(db, name="Good Partner"),
        await make_affiliate(db, name="Bad Partner"),
    )
    offer = await make_offer(db, name="Summer Sale")
    await add_pixel(
        db,
        network_affiliate_id=good.network_affiliate_id,
        postback_url=target.url("/ok?c={conversion_id}"),
    )
    await add_pixel(
        db,
        network_affiliate_id=bad.network_affiliate_id,
        postback_url=target.url("/fail?c={conversion_id}"),
    )
    delivered = await add_conversion(db, offer, good)
    failed = await add_conversion(db, offer, bad)
    run, clock = worker
    for _ in range(2):
        await run.run_once()
        clock.advance(3600)
    states = {cid: d.state for cid, d in (await _deliveries(db)).items()}
    assert states == {delivered: "succeeded", failed: "failed"}
    return failed, delivered


async def test_failures_come_first_and_a_delivery_shows_each_request_and_response(
    db: Database,
    web_client: httpx.AsyncClient,
    target: Sink,
    worker: tuple[DeliveryWorker, Clock],
) -> None:
    failed, delivered = await _one_failed_one_delivered(db, target, worker)
    await sign_in_as(web_client, db, "manager")

    page = await web_client.get("/app/postbacks")
    assert page.status_code == 200
    html = page.text
    assert html.index(failed[:12]) < html.index(delivered[:12])
    assert "Bad Partner" in html
    assert "Summer Sale" in html

    only_failing = await web_client.get("/app/postbacks", params={"status": "failure"})
    assert failed[:12] in only_failing.text
    assert delivered[:12] not in only_failing.text

    by_id = (await _deliveries(db))[failed].id
    detail = await web_client.get(f"/app/postbacks/{by_id}")
    assert detail.status_code == 200
    assert detail.text.count("<pre><code>upstream broke") == 2
    assert detail.text.count("HTTP 500") == 2
    assert f"GET {target.url('/fail?c=' + failed)}" in detail.text
    assert "Resend postback" in detail.text


async def test_resend_queues_a_failed_postback_again_and_the_next_attempt_is_shown(
    db: Database,
    web_client: httpx.AsyncClient,
    target: Sink,
    worker: tuple[DeliveryWorker, Clock],
) -> None:
    failed, delivered = await _one_failed_one_delivered(db, target, worker)
    await sign_in_as(web_client, db, "manager")
    delivery = (await _deliveries(db))[failed]
    path = f"/app/postbacks/{delivery.id}"

    refused = await web_client.post(f"{path}/resend", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    assert (await _deliveries(db))[failed].state == "failed"

    token = await csrf(web_client, path)
    resent = await web_client.post(f"{path}/resend", data={"csrf_token": token})
    assert resent.status_code == 303
    assert resent.headers["location"] == path
    assert (await _deliveries(db))[failed].state == "pending"
    shown = await web_client.get(path)
    assert "queued again" in shown.text

    run, _clock = worker
    before = len(target.requests)
    await run.run_once()
    assert len(target.requests) == before + 1
    again = await web_client.get(path)
    assert "Attempt 3" in again.text
    assert "Resend postback" not in again.text

    # A delivered postback cannot be resent: the API's rule, shown on the page.
    other = (await _deliveries(db))[delivered]
    token = await csrf(web_client, f"/app/postbacks/{other.id}")
    conflict = await web_client.post(
        f"/app/postbacks/{other.id}/resend", data={"csrf_token": token}
    )
    assert conflict.status_code == 409
    assert "only a failed postback can be resent" in conflict.text
    assert (await _deliveries(db))[delivered].state == "succeeded"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-13-01"}, "from"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "to"),
        ({"status": "exploded"}, "status"),
        ({"affiliate_id": "abc"}, "affiliate_id"),
        ({"offer_id": "0"}, "offer_id"),
    ],
)
async def test_bad_filters_are_400_beside_the_field(
    db: Database, web_client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    await sign_in_as(web_client, db, "admin")
    response = await web_client.get("/app/postbacks", params=params)
    assert response.status_code == 400
    assert f'id="f-{field}-error" class="field-error"' in response.text
    assert 'aria-invalid="true"' in response.text


async def test_a_page_past_the_last_and_an_unknown_delivery(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    await sign_in_as(web_client, db, "admin")
    empty = await web_client.get("/app/postbacks", params={"page": "99"})
    assert empty.status_code == 200
    assert "No deliveries match" in empty.text
    missing = await web_client.get("/app/postbacks/424242")
    assert missing.status_code == 404
    token = await csrf(web_client, "/app/postbacks")
    resend_missing = await web_client.post(
        "/app/postbacks/424242/resend", data={"csrf_token": token}
    )
    assert resend_missing.status_code == 404


async def test_only_network_staff_see_deliveries(
    db: Database, web_client: httpx.AsyncClient
) -> None:
    anonymous = await web_client.get("/app/postbacks")
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/app/login?next=")
    await sign_in_as(web_client, db, "affiliate")
    assert (await web_client.get("/app/postbacks")).status_code == 403
    assert (await web_client.get("/app/postbacks/1")).status_code == 403
