"""The partner's coupon codes page: its own active codes on offers it may run, each with the
tracking link carrying it; nothing of another affiliate's."""

from __future__ import annotations

import httpx

from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import CouponCode
from tests.web.partner.conftest import Portal


async def _coupon(db: Database, offer_id: int, affiliate_id: int, code: str, **fields: str) -> None:
    now = utcnow()
    async with db.write() as session:
        session.add(
            CouponCode(
                network_offer_id=offer_id,
                network_affiliate_id=affiliate_id,
                coupon_code=code,
                coupon_code_key=code.lower(),
                time_created=now,
                time_saved=now,
                **fields,
            )
        )


async def test_partner_sees_its_own_active_codes(
    db: Database, partner: httpx.AsyncClient, portal: Portal
) -> None:
    empty = await partner.get("/partner/coupons")
    assert empty.status_code == 200
    assert "You have no coupon codes." in empty.text
    oid = portal.offer.network_offer_id
    mine, other = portal.mine.network_affiliate_id, portal.other.network_affiliate_id
    await _coupon(db, oid, mine, "ALPHA10", end_date="2030-12-31", description="Ten off")
    await _coupon(db, oid, mine, "ALPHAOLD", coupon_status="paused")
    await _coupon(db, portal.private_offer.network_offer_id, mine, "VAULT")
    await _coupon(db, oid, other, "BRAVO10")
    page = await partner.get("/partner/coupons")
    assert page.status_code == 200
    html = page.text
    assert "ALPHA10" in html
    assert "until 2030-12-31" in html
    assert "Ten off" in html
    assert "coupon_code=ALPHA10" in html
    assert portal.offer.name in html
    for hidden in ("ALPHAOLD", "VAULT", "BRAVO10", portal.private_offer.name):
        assert hidden not in html
