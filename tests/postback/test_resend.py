"""Auto-disable never loses a postback (issue 14, item 7): failures of an inactive pixel wait
paused, conversions made while it is inactive are paused, re-enabling sends them, and failed
postbacks can be resent through the API in both realms."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Pixel, PostbackDelivery
from tests.fixtures.factories import make_key
from tests.postback.conftest import Clock, MakeWorker, Sink, World, add_conversion, add_pixel


async def _deliveries(db: Database) -> dict[str, PostbackDelivery]:
    async with db.read() as session:
        rows = await session.scalars(select(PostbackDelivery).order_by(PostbackDelivery.id))
        return {d.conversion_id: d for d in rows}


def _pixel_body(pixel: Pixel, url: str, status: str = "active") -> dict[str, Any]:
    return {
        "network_affiliate_id": pixel.network_affiliate_id,
        "delivery_method": "postback",
        "pixel_level": "global",
        "pixel_status": status,
        "pixel_type": "conversion",
        "postback_url": url,
    }


REPORT = {"timezone_id": 67, "from": "2000-01-01", "to": "2100-01-01"}


async def test_the_failure_that_disables_a_pixel_on_its_last_retry_is_sent_on_reenable(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    sink: Sink,
    world: World,
    make_worker: MakeWorker,
    clock: Clock,
) -> None:
    pixel = await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/fail"),
    )
    conversion_id = await add_conversion(db, world.offer, world.affiliate)
    # The last retry is also the failure that disables the pixel (Everflow's 10 and 10).
    worker = make_worker(postback_max_attempts=3, postback_disable_after_failures=3)
    for _ in range(3):
        assert await worker.run_once() == 1
        clock.advance(3600)
    delivery = (await _deliveries(db))[conversion_id]
    assert delivery.state == "paused"
    assert delivery.failed_attempts == 3

    report = await client.post(
        "/v1/networks/reporting/affiliate/pixels", json=REPORT, headers=network_headers
    )
    (row,) = report.json()["pixels"]
    assert (row["pixel_status"], row["is_success"], row["failed_attempts"]) == (
        "inactive",
        False,
        3,
    )

    enabled = await client.put(
        f"/v1/networks/pixels/{pixel.network_pixel_id}",
        json=_pixel_body(pixel, sink.url("/ok?t={transaction_id}")),
        headers=network_headers,
    )
    assert enabled.status_code == 200
    assert await worker.run_once() == 1
    delivery = (await _deliveries(db))[conversion_id]
    assert (delivery.state, delivery.attempts) == ("succeeded", 4)
    assert sink.paths()[-1] == f"/ok?t={delivery.transaction_id}"


async def test_conversions_while_a_pixel_is_disabled_are_paused_then_sent_when_enabled(
    db: Database,
    client: httpx.AsyncClient,
    sink: Sink,
    world: World,
    make_worker: MakeWorker,
    clock: Clock,
) -> None:
    pixel = await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/ok?t={transaction_id}"),
        pixel_status="inactive",
        disabled_reason="disabled after 10 consecutive failed postbacks within 72 hours",
    )
    made = {await add_conversion(db, world.offer, world.affiliate) for _ in range(2)}
    stored = await _deliveries(db)
    assert set(stored) == made
    assert {d.state for d in stored.values()} == {"paused"}
    assert all(d.debug_information.startswith("Paused:") for d in stored.values())
    worker = make_worker()
    assert await worker.run_once() == 0

    headers = {
        "X-Eflow-API-Key": await make_key(db, "affiliate", world.affiliate.network_affiliate_id)
    }
    enabled = await client.put(
        f"/v1/affiliates/pixels/{pixel.network_pixel_id}",
        json=_pixel_body(pixel, pixel.postback_url),
        headers=headers,
    )
    assert enabled.status_code == 200
    assert await worker.run_once() == 2
    stored = await _deliveries(db)
    assert {d.state for d in stored.values()} == {"succeeded"}
    assert sorted(sink.paths()) == sorted(f"/ok?t={d.transaction_id}" for d in stored.values())


async def _failed_pixel(
    db: Database, world: World, sink: Sink, make_worker: MakeWorker, affiliate_id: int
) -> tuple[Pixel, str]:
    """A pixel whose one postback failed for good."""
    pixel = await add_pixel(db, network_affiliate_id=affiliate_id, postback_url=sink.url("/fail"))
    affiliate = (
        world.affiliate
        if affiliate_id == world.affiliate.network_affiliate_id
        else (world.other_affiliate)
    )
    conversion_id = await add_conversion(db, world.offer, affiliate)
    assert await make_worker(postback_max_attempts=1).run_once() == 1
    assert (await _deliveries(db))[conversion_id].state == "failed"
    return pixel, conversion_id


async def test_one_failed_postback_is_resent_to_the_fixed_url(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    sink: Sink,
    world: World,
    make_worker: MakeWorker,
) -> None:
    pixel, conversion_id = await _failed_pixel(
        db, world, sink, make_worker, world.affiliate.network_affiliate_id
    )
    fixed = await client.put(
        f"/v1/networks/pixels/{pixel.network_pixel_id}",
        json=_pixel_body(pixel, sink.url("/ok?again={transaction_id}")),
        headers=network_headers,
    )
    assert fixed.status_code == 200
    path = f"/v1/networks/pixels/{pixel.network_pixel_id}/postbacks/{conversion_id}/resend"

    resent = await client.post(path, headers=network_headers)

    assert resent.status_code == 200
    assert resent.json() == {
        "result": True,
        "pixel_id": pixel.network_pixel_id,
        "conversion_id": conversion_id,
        "resent": 1,
        "paused": 0,
    }
    worker = make_worker(postback_max_attempts=1)
    assert await worker.run_once() == 1
    delivery = (await _deliveries(db))[conversion_id]
    assert (delivery.state, delivery.attempts) == ("succeeded", 2)
    assert sink.paths()[-1] == f"/ok?again={delivery.transaction_id}"

    again = await client.post(path, headers=network_headers)
    assert again.status_code == 409
    assert "only a failed postback can be resent" in again.json()["error"]
    bad = await client.post(
        f"/v1/networks/pixels/{pixel.network_pixel_id}/postbacks/nothex/resend",
        headers=network_headers,
    )
    assert bad.status_code == 400
    assert "conversion_id" in bad.json()["error"]


async def test_resending_by_filter_touches_only_matching_failed_postbacks(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    sink: Sink,
    world: World,
    make_worker: MakeWorker,
) -> None:
    _mine, mine_cv = await _failed_pixel(
        db, world, sink, make_worker, world.affiliate.network_affiliate_id
    )
    _theirs, theirs_cv = await _failed_pixel(
        db, world, sink, make_worker, world.other_affiliate.network_affiliate_id
    )
    body = {
        **REPORT,
        "query": {
            "filters": [
                {
                    "resource_type": "affiliate",
                    "filter_id_value": str(world.other_affiliate.network_affiliate_id),
                }
            ]
        },
    }

    resent = await client.post("/v1/networks/pixels/resend", json=body, headers=network_headers)

    assert resent.status_code == 200
    assert resent.json() == {"result": True, "resent": 1, "paused": 0}
    stored = await _deliveries(db)
    assert (stored[theirs_cv].state, stored[mine_cv].state) == ("pending", "failed")
    bad = await client.post(
        "/v1/networks/pixels/resend",
        json={**REPORT, "query": {"filters": [{"resource_type": "x", "filter_id_value": "1"}]}},
        headers=network_headers,
    )
    assert bad.status_code == 400
    assert "query.filters.0.resource_type" in bad.json()["error"]


async def test_an_affiliate_resends_only_its_own_failed_postbacks(
    db: Database,
    client: httpx.AsyncClient,
    sink: Sink,
    world: World,
    make_worker: MakeWorker,
) -> None:
    _mine, mine_cv = await _failed_pixel(
        db, world, sink, make_worker, world.affiliate.network_affiliate_id
    )
    theirs, theirs_cv = await _failed_pixel(
        db, world, sink, make_worker, world.other_affiliate.network_affiliate_id
    )
    headers = {
        "X-Eflow-API-Key": await make_key(db, "affiliate", world.affiliate.network_affiliate_id)
    }

    other = await client.post(
        f"/v1/affiliates/pixels/{theirs.network_pixel_id}/postbacks/{theirs_cv}/resend",
        headers=headers,
    )
    assert other.status_code == 404
    everything = await client.post("/v1/affiliates/pixels/resend", json=REPORT, headers=headers)
    assert everything.json() == {"result": True, "resent": 1, "paused": 0}
    stored = await _deliveries(db)
    assert (stored[mine_cv].state, stored[theirs_cv].state) == ("pending", "failed")
    network = {"X-Eflow-API-Key": await make_key(db, "network")}
    wrong_realm = await client.post("/v1/affiliates/pixels/resend", json=REPORT, headers=network)
    assert wrong_realm.status_code == 403


async def test_a_failed_postback_of_an_inactive_pixel_is_resent_paused(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    sink: Sink,
    world: World,
    make_worker: MakeWorker,
) -> None:
    pixel, conversion_id = await _failed_pixel(
        db, world, sink, make_worker, world.affiliate.network_affiliate_id
    )
    off = await client.put(
        f"/v1/networks/pixels/{pixel.network_pixel_id}",
        json=_pixel_body(pixel, sink.url("/ok"), status="inactive"),
        headers=network_headers,
    )
    assert off.status_code == 200
    resent = await client.post("/v1/networks/pixels/resend", json=REPORT, headers=network_headers)
    assert resent.json() == {"result": True, "resent": 0, "paused": 1}
    assert (await _deliveries(db))[conversion_id].state == "paused"
