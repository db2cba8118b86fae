"""``/sdk/conversion``: the SDK's conversion, through the conversion service, finding its click
by the call's transaction id or the tracking host's cookie."""

from __future__ import annotations

from decimal import Decimal

import httpx
from sqlalchemy import select, update

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Conversion, CouponCode, Offer
from tests.tracking.helpers import cache_of, make_pair

SHOP = "http://127.0.0.1:9"


async def _conversions(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion).order_by(Conversion.created_at)))


async def test_conversion_finds_its_click_by_the_tracking_host_cookie(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    clicked = await client.get(f"/sdk/click?oid={pair.oid}&affid={pair.affid}&sub1=s1")
    transaction_id = clicked.json()["transaction_id"]
    # The client keeps the cookie, as a browser does; no transaction_id in the call.
    response = await client.get(
        "/sdk/conversion",
        params={"oid": pair.oid, "amount": "12.50", "order_id": "o-1", "adv1": "a", "lang": "fr"},
        headers={"origin": SHOP},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["transaction_id"], body["status"], body["error_code"]) == (
        transaction_id,
        "approved",
        0,
    )
    assert response.headers["access-control-allow-origin"] == SHOP
    assert response.headers["access-control-allow-credentials"] == "true"
    [row] = await _conversions(app.state.db)  # committed before the answer
    assert row.conversion_id == body["conversion_id"]
    assert (row.source, row.network_affiliate_id, row.sub1) == ("sdk", pair.affid, "s1")
    assert (row.sale_amount, row.order_id, row.adv1) == (Decimal("12.5"), "o-1", "a")
    assert row.attributes == {"lang": "fr"}

    # By advertiser: the advertiser cookie names the same click; the service dedupes.
    again = await client.get(f"/sdk/conversion?aid={pair.offer.network_advertiser_id}")
    assert again.status_code == 200
    assert again.json()["transaction_id"] == transaction_id
    assert (again.json()["status"], again.json()["error_code"]) == ("rejected", 8)


async def test_explicit_transaction_id_wins_and_refusals_are_recorded(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    first = (await client.get(f"/sdk/click?oid={pair.oid}&affid={pair.affid}")).json()
    second = (await client.get(f"/sdk/click?oid={pair.oid}&affid={pair.affid}")).json()
    # The cookie now names the second click; the call's own id wins over it.
    response = await client.get(
        f"/sdk/conversion?oid={pair.oid}&transaction_id={first['transaction_id']}"
    )
    assert response.json()["transaction_id"] == first["transaction_id"]
    # An id naming no click is recorded as an invalid conversion, as for the postback.
    unknown = await client.get(f"/sdk/conversion?oid={pair.oid}&transaction_id={'f' * 32}")
    assert (unknown.status_code, unknown.json()["status"]) == (200, "invalid")
    rows = await _conversions(app.state.db)
    assert [(r.transaction_id, r.status) for r in rows] == [
        (first["transaction_id"], "approved"),
        (None, "invalid"),
    ]
    assert second["transaction_id"] != first["transaction_id"]


async def test_bad_calls_store_nothing(app: ClicktrailApp, client: httpx.AsyncClient) -> None:
    pair = await make_pair(app)
    for query, status, field in (
        (f"oid={pair.oid}", 400, "transaction_id"),  # no click, no cookie
        ("oid=424242&transaction_id=" + "a" * 32, 404, "oid"),
        ("amount=1", 400, "oid"),
        ("oid=abc", 400, "oid"),
        ("aid=-1", 400, "aid"),
        (f"oid={pair.oid}&transaction_id={'b' * 32}&amount=lots", 400, "amount"),
        (f"oid={pair.oid}&transaction_id={'b' * 32}&email={'e' * 300}", 400, "email"),
        (f"oid={pair.oid}&" + "&".join(f"p{i}=1" for i in range(70)), 400, "query"),
    ):
        response = await client.get(f"/sdk/conversion?{query}", headers={"origin": SHOP})
        assert (response.status_code, response.json()["field"]) == (status, field), query
        assert response.headers["access-control-allow-origin"] == SHOP
    async with app.state.db.write() as session:
        await session.execute(update(Offer).values(offer_status="paused"))
    await cache_of(app).reload()
    paused = await client.get(f"/sdk/conversion?oid={pair.oid}&transaction_id={'c' * 32}")
    assert (paused.status_code, paused.json()["error"]) == (404, "oid: offer is not active")
    head = await client.head(f"/sdk/conversion?oid={pair.oid}&transaction_id={'c' * 32}")
    assert head.status_code == 405
    assert await _conversions(app.state.db) == []


async def test_a_coupon_code_without_a_click_credits_the_codes_affiliate(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    now = utcnow()
    async with app.state.db.write() as session:
        session.add(
            CouponCode(
                network_offer_id=pair.oid,
                network_affiliate_id=pair.affid,
                coupon_code="PODCAST10",
                coupon_code_key="podcast10",
                coupon_status="active",
                time_created=now,
                time_saved=now,
            )
        )
    response = await client.get(
        "/sdk/conversion", params={"oid": pair.oid, "coupon_code": "podcast10", "amount": "30"}
    )
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["error_code"]) == ("approved", 0)
    [row] = await _conversions(app.state.db)
    assert (row.source, row.network_affiliate_id, row.coupon_code) == (
        "sdk",
        pair.affid,
        "podcast10",
    )
