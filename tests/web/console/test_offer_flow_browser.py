"""In a real Chromium against a real ``clicktrail serve``: an admin creates an advertiser, an
offer and an affiliate through the console's forms, invites a portal user, builds a tracking
link (live, by script), and the link tracks: the tracking host answers 302 to the offer's
URL with the macros filled and the click is in the database; the advertiser postback the
offer page shows then converts it. Screenshots at 1280 and 390 px
of the offer list, the offer form, the offer page and the affiliate page."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from playwright.sync_api import expect
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Click, Conversion, Offer
from tests.fixtures.browser import LiveServer
from tests.fixtures.server import SLOW_SECONDS


def _by_id(page: Any, element_id: str) -> Any:
    return page.locator(f'[id="{element_id}"]')


def test_admin_sets_up_an_offer_and_its_link_tracks(
    page: Any,
    live_server: LiveServer,
    signed_in: Callable[..., Any],
    shot: Callable[[Any, str], list[Path]],
) -> None:
    signed_in(page, "admin")

    page.goto("/app/advertisers/new")
    _by_id(page, "f-name").fill("Browser Brand")
    page.get_by_role("button", name="Create advertiser").click()
    page.wait_for_url("**/app/advertisers")
    assert page.get_by_text("Advertiser created.").is_visible()

    page.goto("/app/offers/new")
    _by_id(page, "f-name").fill("Browser Offer")
    _by_id(page, "f-network_advertiser_id").select_option(label="Browser Brand")
    _by_id(page, "f-destination_url").fill(
        "https://shop.example/landing?tid={transaction_id}&s1={sub1}"
    )
    _by_id(page, "f-payout_revenue.0.entry_name").fill("Sale")
    _by_id(page, "f-payout_revenue.0.payout_amount").fill("4")
    _by_id(page, "f-payout_revenue.0.revenue_amount").fill("6.5")
    page.get_by_role("button", name="Create offer").click()
    page.wait_for_url("**/app/offers/*")
    offer_url = page.url
    assert page.get_by_text("Offer created.").is_visible()

    page.goto("/app/affiliates/new")
    _by_id(page, "f-name").fill("Browser Partner")
    page.get_by_role("button", name="Create affiliate").click()
    page.wait_for_url("**/app/affiliates/*")
    _by_id(page, "f-email").fill("partner@browser.example")
    page.get_by_role("button", name="Invite user").click()
    page.wait_for_load_state()
    assert _by_id(page, "invite-password").input_value()
    page.get_by_role("button", name="Create API key").click()
    page.wait_for_load_state()
    assert _by_id(page, "new-key").input_value().startswith("ct_")
    shot(page, "console-affiliate-detail")

    page.goto("/app/offers")
    assert page.get_by_role("link", name="Browser Offer").is_visible()
    shot(page, "console-offer-list")
    page.goto(offer_url + "/edit")
    shot(page, "console-offer-form")

    # The link builder: choosing values updates the link by script, no submit.
    page.goto(offer_url)
    _by_id(page, "f-network_affiliate_id").select_option(label="Browser Partner")
    _by_id(page, "f-sub1").fill("spring")
    link_box = _by_id(page, "tracking-link")
    # Polled by Playwright itself (a waited-for function would need 'unsafe-eval').
    expect(link_box).to_have_value(re.compile(r"sub1=spring"))
    link = link_box.input_value()
    assert link.startswith(live_server.url + "/")
    postback = _by_id(page, "postback-1").input_value()
    shot(page, "console-offer-detail")
    page.get_by_role("button", name="Copy").first.click()

    # Follow the link on the tracking host, as a visitor would.
    # The first click may wait for the server's click writer to start.
    answer = httpx.get(link, follow_redirects=False, timeout=SLOW_SECONDS)
    assert answer.status_code == 302
    target = urlsplit(answer.headers["location"])
    assert (target.scheme, target.netloc, target.path) == ("https", "shop.example", "/landing")
    query = parse_qs(target.query)
    assert query["s1"] == ["spring"]
    transaction_id = query["tid"][0]

    async def _click(db: Database) -> tuple[Click | None, Offer | None]:
        async with db.read() as session:
            offer = await session.scalar(select(Offer).where(Offer.name == "Browser Offer"))
            click = await session.scalar(
                select(Click).where(Click.transaction_id == transaction_id)
            )
            return click, offer

    click, offer = live_server.call(_click)
    assert click is not None
    assert offer is not None
    assert click.network_offer_id == offer.network_offer_id
    assert click.sub1 == "spring"

    # The advertiser's server postback, as the offer page shows it, converts the click.
    fired = httpx.get(postback.replace("{transaction_id}", transaction_id), timeout=SLOW_SECONDS)
    assert fired.status_code == 200, fired.text

    async def _conversion(db: Database) -> Conversion | None:
        async with db.read() as session:
            return await session.scalar(
                select(Conversion).where(Conversion.transaction_id == transaction_id)
            )

    conversion = live_server.call(_conversion)
    assert conversion is not None
    assert conversion.payout == Decimal("4")
    assert conversion.revenue == Decimal("6.5")

    # The dashboard and the offer report show the click and its conversion.
    page.goto("/app/")
    today = page.locator("#period-today")
    expect(today.locator("[data-metric=clicks]")).to_have_text("1")
    expect(today.locator("[data-metric=conversions]")).to_have_text("1")
    expect(today.locator("[data-metric=revenue]")).to_contain_text("6.50")
    expect(page.get_by_role("link", name="Browser Offer").first).to_be_visible()
    shot(page, "console-dashboard-after-flow")

    page.goto("/app/reports")
    page.get_by_label("Group by").select_option("offer")
    page.get_by_role("button", name="Run report").click()
    page.wait_for_url("**/app/reports?*")
    row = page.get_by_role("row").filter(has_text="Browser Offer")
    expect(row).to_have_count(1)
    expect(page.locator("tr.totals td").first).to_have_text("1")
