"""Coupon codes on the console's offer page: listed, added through the API's checks (errors
name the input), deleted."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import CouponCode
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.web import csrf, sign_in_as


async def _codes(db: Database) -> list[tuple[str, int, str]]:
    async with db.read() as session:
        rows = (await session.scalars(select(CouponCode))).all()
    return [(r.coupon_code, r.network_affiliate_id, r.end_date) for r in rows]


async def test_add_and_delete_coupon_codes_on_the_offer_page(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    offer = await make_offer(db)
    oid = offer.network_offer_id
    affiliate = await make_affiliate(db, name="Coupon Partner")
    await sign_in_as(web_client, db, "admin")
    assert "Coupon codes" in (await web_client.get(f"/app/offers/{oid}")).text
    token = await csrf(web_client, f"/app/offers/{oid}")
    added = await web_client.post(
        f"/app/offers/{oid}/coupons",
        data={
            "csrf_token": token,
            "coupon_code": "FALL25",
            "network_affiliate_id": str(affiliate.network_affiliate_id),
            "coupon_status": "active",
            "start_date": "",
            "end_date": "2030-11-30",
        },
    )
    assert added.status_code == 303
    assert await _codes(db) == [("FALL25", affiliate.network_affiliate_id, "2030-11-30")]
    page = (await web_client.get(f"/app/offers/{oid}")).text
    assert "FALL25" in page
    assert "Coupon Partner" in page

    taken = await web_client.post(
        f"/app/offers/{oid}/coupons",
        data={"csrf_token": token, "coupon_code": "fall25", "coupon_status": "active"},
    )
    assert taken.status_code == 303
    flashed = (await web_client.get(taken.headers["location"])).text
    assert "Coupon code not added. coupon_code:" in flashed
    short = await web_client.post(
        f"/app/offers/{oid}/coupons",
        data={"csrf_token": token, "coupon_code": "AB", "coupon_status": "active"},
    )
    assert "coupon_code" in (await web_client.get(short.headers["location"])).text
    assert len(await _codes(db)) == 1

    async with db.read() as session:
        coupon_id = (await session.scalars(select(CouponCode.network_coupon_code_id))).one()
    deleted = await web_client.post(
        f"/app/offers/{oid}/coupons/{coupon_id}/delete", data={"csrf_token": token}
    )
    assert deleted.status_code == 303
    assert await _codes(db) == []
