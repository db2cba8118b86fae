"""The partner portal in a real Chromium: an affiliate signs in at /app/login, lands in
/partner/, sees its stats, builds a tracking link and lists its postbacks (screenshots at
1280 and 390 px; the ``page`` fixture fails on a script error or an off-origin request)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from clicktrail.db import Database
from clicktrail.tracking import codes
from tests.fixtures.browser import LiveServer
from tests.fixtures.factories import make_affiliate, make_offer
from tests.fixtures.server import SLOW_SECONDS
from tests.postback.conftest import add_pixel

Shot = Callable[[Any, str], list[Path]]


async def _seed(db: Database) -> tuple[int, int]:
    entries = [
        {
            "event_id": 0,
            "entry_name": "Base",
            "payout_type": "cpa",
            "payout_amount": Decimal("4.25"),
            "revenue_type": "rpa",
            "revenue_amount": Decimal("91.37"),
            "is_default": True,
        }
    ]
    offer = await make_offer(db, name="Sunny Shoes", payout_revenue=entries)
    affiliate = await make_affiliate(db, name="Alpha Media")
    await add_pixel(
        db,
        network_affiliate_id=affiliate.network_affiliate_id,
        postback_url="https://alpha.example/pb?tid={transaction_id}&payout={payout}",
        description="My tracker",
    )
    return offer.network_offer_id, affiliate.network_affiliate_id


def _traffic(server: LiveServer, offer_id: int, affiliate_id: int) -> None:
    """Three clicks and one conversion through the real tracking host."""
    link = (
        f"{server.url}/{codes.encode('affiliate', affiliate_id)}/"
        f"{codes.encode('offer', offer_id)}/?sub1=spring"
    )
    # The first click may wait for the server's click writer to start.
    with httpx.Client(timeout=SLOW_SECONDS) as client:
        redirects = [client.get(link) for _ in range(3)]
        assert all(r.status_code == 302 for r in redirects)
        tid = parse_qs(urlsplit(redirects[0].headers["location"]).query)["tid"][0]
        converted = client.get(f"{server.url}/", params={"nid": "1", "transaction_id": tid})
        assert converted.status_code == 200, converted.text


def test_affiliate_signs_in_and_uses_the_portal(
    page: Any, live_server: LiveServer, signed_in: Callable[..., Any], shot: Shot
) -> None:
    offer_id, affiliate_id = live_server.call(_seed)
    _traffic(live_server, offer_id, affiliate_id)
    signed_in(page, "affiliate", affiliate_id=affiliate_id)
    assert urlsplit(page.url).path == "/partner/"
    assert page.get_by_role("heading", name="Dashboard").is_visible()
    today = page.get_by_role("row", name="Today")
    assert "3" in today.inner_text()
    assert "4.25" in today.inner_text()
    page.wait_for_function("document.querySelector('canvas[data-chart]').width > 0")
    shot(page, "partner-dashboard")

    page.get_by_role("link", name="Offers").first.click()
    page.get_by_role("link", name="Sunny Shoes").click()
    page.get_by_label("sub1").fill("summer")
    page.get_by_role("button", name="Build link").click()
    link = page.get_by_label("Your tracking link").input_value()
    assert link.endswith("?sub1=summer")
    assert "91.37" not in page.content()
    shot(page, "partner-offer")

    page.get_by_role("link", name="Postbacks").first.click()
    page.get_by_text("alpha.example").first.wait_for()  # a click only starts the navigation
    assert page.get_by_text("alpha.example").first.is_visible()
    shot(page, "partner-postbacks")
    page.get_by_role("link", name="1", exact=True).click()
    page.get_by_role("heading", name="Delivery log").wait_for()
    assert page.get_by_role("heading", name="Delivery log").is_visible()
    shot(page, "partner-postback")

    page.get_by_role("link", name="Reports").first.click()
    page.get_by_label("Group by").select_option("sub1")
    page.get_by_role("button", name="Run report").click()
    page.get_by_role("cell", name="spring").wait_for()
    assert page.get_by_role("cell", name="spring").is_visible()
    shot(page, "partner-reports")
    page.get_by_role("link", name="Conversions").first.click()
    shot(page, "partner-conversions")


async def _seed_coupon(db: Database) -> int:
    from clicktrail.kit.timeutil import utcnow
    from clicktrail.models import CouponCode

    offer_id, affiliate_id = await _seed(db)
    now = utcnow()
    async with db.write() as session:
        session.add(
            CouponCode(
                network_offer_id=offer_id,
                network_affiliate_id=affiliate_id,
                coupon_code="SUNNY10",
                coupon_code_key="sunny10",
                end_date="2030-12-31",
                description="Ten percent off every pair of sunny shoes this season",
                time_created=now,
                time_saved=now,
            )
        )
    return affiliate_id


def test_affiliate_sees_its_coupon_codes(
    page: Any, live_server: LiveServer, signed_in: Callable[..., Any], shot: Shot
) -> None:
    affiliate_id = live_server.call(_seed_coupon)
    signed_in(page, "affiliate", affiliate_id=affiliate_id)
    page.get_by_role("link", name="Coupons").first.click()
    page.get_by_role("heading", name="Coupon codes").wait_for()
    assert page.get_by_text("until 2030-12-31").is_visible()
    link = page.get_by_label("Tracking link").input_value()
    assert link.endswith("/?coupon_code=SUNNY10")
    shot(page, "partner-coupons")
