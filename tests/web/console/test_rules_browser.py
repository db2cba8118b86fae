"""In a real Chromium: a traffic control made through the console's form, and a conversion's
payout changed with a note and shown in its history; screenshots at 1280 and 390 px."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clicktrail.db import Database
from clicktrail.models import User
from tests.fixtures.factories import make_affiliate, make_offer
from tests.postback.conftest import add_conversion

pytestmark = pytest.mark.slow

SignedIn = Callable[..., tuple[User, str]]
Shot = Callable[[Any, str], list[Path]]


async def _seed(db: Database) -> str:
    offer = await make_offer(db, name="Winter Sale CPA")
    affiliate = await make_affiliate(db, name="Northwind Media")
    return await add_conversion(db, offer, affiliate)


def test_a_traffic_control_and_a_conversion_adjustment_in_a_browser(
    page: Any, signed_in: SignedIn, shot: Shot, live_server: Any
) -> None:
    from playwright.sync_api import expect

    conversion_id = live_server.call(_seed)
    signed_in(page, "admin", email="admin@network.example")

    page.get_by_role("link", name="Traffic").first.click()
    expect(page.get_by_role("heading", name="Traffic controls")).to_be_visible()
    page.get_by_role("button", name="New traffic control").click()
    page.get_by_label("Name").fill("Data-centre ranges")
    page.locator("input[name='variable.ip']").check()
    page.get_by_label("Values").fill("203.0.113.0/24\n2001:db8::/32")
    page.get_by_label("All offers").check()
    page.get_by_label("All affiliates").check()
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("body")).to_contain_text("Data-centre ranges")
    page.goto("/app/traffic")
    expect(page.locator("tbody")).to_contain_text("Data-centre ranges")
    shot(page, "console-traffic")

    page.goto(f"/app/conversions/{conversion_id}")
    page.get_by_label("Payout").fill("7.25")
    page.get_by_label("Revenue").fill("11.50")
    page.get_by_label("Note").fill("Advertiser raised the rate for November")
    page.get_by_role("button", name="Save change").click()
    history = page.locator("#history")
    expect(history).to_contain_text("Advertiser raised the rate for November")
    expect(history).to_contain_text("7.25")
    expect(history).to_contain_text("admin@network.example")
    shot(page, "console-conversion-history")
