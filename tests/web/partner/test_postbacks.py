"""Partner postbacks: create, edit, delete, test-fire against a real loopback server; the
delivery log; another affiliate's pixel is never shown or changed; CSRF is required."""

from __future__ import annotations

import httpx

from clicktrail.db import Database
from clicktrail.models import Pixel
from tests.fixtures.web import csrf
from tests.postback.conftest import Sink
from tests.web.partner.conftest import Portal


async def _pixel(db: Database, pixel_id: int) -> Pixel | None:
    async with db.read() as session:
        return await session.get(Pixel, pixel_id)


async def test_list_detail_and_delivery_log(partner: httpx.AsyncClient, portal: Portal) -> None:
    listing = (await partner.get("/partner/postbacks")).text
    assert "alpha.example" in listing
    assert "bravo-secret" not in listing
    detail = await partner.get(f"/partner/postbacks/{portal.my_pixel.network_pixel_id}")
    assert detail.status_code == 200
    assert portal.my_conversion in detail.text  # its delivery, pending
    assert portal.other_conversion not in detail.text


async def test_another_affiliates_pixel_is_not_found(
    partner: httpx.AsyncClient, portal: Portal, db: Database
) -> None:
    other = portal.other_pixel.network_pixel_id
    token = await csrf(partner, "/partner/postbacks/new")
    for path in (f"/partner/postbacks/{other}", f"/partner/postbacks/{other}/edit"):
        response = await partner.get(path)
        assert response.status_code == 404
        assert "bravo-secret" not in response.text
    for path in (
        f"/partner/postbacks/{other}",
        f"/partner/postbacks/{other}/delete",
        f"/partner/postbacks/{other}/test",
    ):
        response = await partner.post(
            path,
            data={
                "csrf_token": token,
                "pixel_level": "global",
                "postback_url": "https://evil.example/",
            },
        )
        assert response.status_code == 404, path
    stored = await _pixel(db, other)
    assert stored is not None
    assert not stored.is_deleted
    assert "bravo-secret" in stored.postback_url


async def test_create_edit_delete_with_csrf(
    partner: httpx.AsyncClient, portal: Portal, db: Database
) -> None:
    form = {
        "pixel_level": "specific",
        "network_offer_id": str(portal.offer.network_offer_id),
        "pixel_type": "conversion",
        "pixel_status": "active",
        "delivery_method": "postback",
        "postback_url": "https://new.example/pb?c={transaction_id}",
        "description": "mine",
    }
    refused = await partner.post("/partner/postbacks", data=form)
    assert refused.status_code == 403
    token = await csrf(partner, "/partner/postbacks/new")
    created = await partner.post("/partner/postbacks", data={**form, "csrf_token": token})
    assert created.status_code == 303
    pixel_id = int(created.headers["location"].rsplit("/", 1)[1])
    stored = await _pixel(db, pixel_id)
    assert stored is not None
    assert stored.network_affiliate_id == portal.mine.network_affiliate_id
    assert stored.network_offer_id == portal.offer.network_offer_id
    shown = await partner.get(created.headers["location"])
    assert f"Postback {pixel_id} created." in shown.text

    bad = await partner.post(
        f"/partner/postbacks/{pixel_id}",
        data={**form, "postback_url": "ftp://nope", "csrf_token": token},
    )
    assert bad.status_code == 400
    assert "must start with http:// or https://" in bad.text
    async with db.write() as session:
        row = await session.get(Pixel, pixel_id)
        assert row is not None
        row.delay_ms = 1500  # set through the API; the form does not edit it
    edited = await partner.post(
        f"/partner/postbacks/{pixel_id}",
        data={**form, "pixel_status": "inactive", "csrf_token": token},
    )
    assert edited.status_code == 303
    stored = await _pixel(db, pixel_id)
    assert stored is not None
    assert stored.pixel_status == "inactive"
    assert stored.delay_ms == 1500

    deleted = await partner.post(
        f"/partner/postbacks/{pixel_id}/delete", data={"csrf_token": token}
    )
    assert deleted.status_code == 303
    stored = await _pixel(db, pixel_id)
    assert stored is not None
    assert stored.is_deleted


async def test_missing_offer_for_a_specific_pixel_is_400(partner: httpx.AsyncClient) -> None:
    token = await csrf(partner, "/partner/postbacks/new")
    response = await partner.post(
        "/partner/postbacks",
        data={
            "csrf_token": token,
            "pixel_level": "specific",
            "postback_url": "https://x.example/",
            "pixel_type": "conversion",
            "pixel_status": "active",
            "delivery_method": "postback",
        },
    )
    assert response.status_code == 400
    assert "needs an offer" in response.text


async def test_test_fire_reaches_a_loopback_server(
    partner: httpx.AsyncClient, portal: Portal, db: Database, sink: Sink
) -> None:
    token = await csrf(partner, "/partner/postbacks/new")
    form = {
        "csrf_token": token,
        "pixel_level": "global",
        "pixel_type": "conversion",
        "pixel_status": "active",
        "delivery_method": "postback",
        "postback_url": sink.url("/ok?tid={transaction_id}&s1={sub1}"),
    }
    created = await partner.post("/partner/postbacks", data=form)
    assert created.status_code == 303
    pixel_path = created.headers["location"]
    refused = await partner.post(f"{pixel_path}/test")
    assert refused.status_code == 403
    assert sink.requests == []
    fired = await partner.post(f"{pixel_path}/test", data={"csrf_token": token})
    assert fired.status_code == 200
    assert "Test-fire: succeeded" in fired.text
    [request] = sink.requests
    assert request.path == "/ok"
    assert request.query["s1"] == "clicktrail-test"
