"""In a real Chromium: the postback deliveries list, a failed delivery's attempts and its
resend, the users page with a new user, settings, API keys and the audit log; screenshots
at 1280 and 390 px."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import PostbackAttempt, PostbackDelivery, User
from tests.fixtures.factories import make_affiliate, make_offer
from tests.postback.conftest import add_conversion, add_pixel

pytestmark = pytest.mark.slow

SignedIn = Callable[..., tuple[User, str]]
Shot = Callable[[Any, str], list[Path]]

#: (affiliate, state, HTTP status of each attempt; None: no response)
DELIVERIES: list[tuple[str, str, list[int | None]]] = [
    ("Northwind Media", "failed", [500, 502, None]),
    ("Northwind Media", "pending", [503]),
    ("Blue Harbor Ads", "succeeded", [200]),
    ("Blue Harbor Ads", "succeeded", [404, 200]),
    ("Crescent Leads", "succeeded", [200]),
]


async def _seed(db: Database) -> int:
    """Deliveries in several states, each with its attempts (the worker is off in the live
    server, so the rows stay as written); returns the failed delivery's id."""
    offer = await make_offer(db, name="Spring Sale CPA")
    affiliates = {}
    for name in dict.fromkeys(a for a, _, _ in DELIVERIES):
        affiliates[name] = await make_affiliate(db, name=name)
        await add_pixel(
            db,
            network_affiliate_id=affiliates[name].network_affiliate_id,
            postback_url=f"https://{name.split()[0].lower()}.example/pb?cid={{conversion_id}}&payout={{payout_amount}}",
        )
    failed_id = 0
    for name, state, statuses in DELIVERIES:
        conversion_id = await add_conversion(db, offer, affiliates[name])
        async with db.write() as session:
            delivery = await session.scalar(
                select(PostbackDelivery).where(PostbackDelivery.conversion_id == conversion_id)
            )
            assert delivery is not None
            start = utcnow() - timedelta(minutes=30)
            for number, status in enumerate(statuses, 1):
                session.add(
                    PostbackAttempt(
                        delivery_id=delivery.id,
                        attempt_no=number,
                        attempted_at=start + timedelta(minutes=number * 4),
                        url=delivery.payload,
                        status_code=status,
                        duration_ms=40 + number * 17,
                        error="" if status else "connection refused",
                        response_excerpt={None: "", 200: "OK"}.get(status, "Bad Gateway"),
                    )
                )
            failures = sum(1 for s in statuses if s is None or s >= 400)
            delivery.state = state
            delivery.attempts = len(statuses)
            delivery.failed_attempts = failures
            delivery.last_status_code = statuses[-1]
            delivery.last_attempt_at = start + timedelta(minutes=len(statuses) * 4)
            delivery.debug_information = (
                "HTTP 200" if state == "succeeded" else "connection refused"
            )
            if state == "succeeded":
                delivery.delivered_at = delivery.last_attempt_at
            if state == "failed":
                failed_id = delivery.id
    return failed_id


def test_deliveries_a_failed_one_resent_and_the_users_page(
    page: Any, signed_in: SignedIn, shot: Shot, live_server: Any
) -> None:
    from playwright.sync_api import expect

    failed_id = live_server.call(_seed)
    signed_in(page, "admin", email="admin@network.example")

    page.get_by_role("link", name="Postbacks").click()
    expect(page.get_by_role("heading", name="Postback deliveries")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(len(DELIVERIES))
    expect(rows.first).to_contain_text("failed")
    expect(rows.nth(1)).to_contain_text("pending")
    shot(page, "console-postbacks")

    rows.first.get_by_role("link").first.click()
    expect(page).to_have_url(re.compile(rf"/app/postbacks/{failed_id}$"))
    expect(page.get_by_text("Attempt 3")).to_be_visible()
    expect(page.get_by_text("no response")).to_be_visible()
    shot(page, "console-postback-detail")

    page.get_by_role("button", name="Resend postback").click()
    expect(page.get_by_text("The postback is queued again")).to_be_visible()
    expect(page.get_by_role("button", name="Resend postback")).to_have_count(0)

    page.get_by_role("link", name="Users").click()
    page.get_by_role("button", name="New user").click()
    page.get_by_label("Email").fill("ops@network.example")
    page.get_by_role("radio", name=re.compile(r"^\s*manager")).check()
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("heading", name="User created")).to_be_visible()
    password = page.get_by_label(re.compile("One-time password")).input_value()
    assert len(password) >= 12
    page.get_by_role("link", name="Back to users").click()
    expect(page.get_by_role("cell", name="ops@network.example")).to_be_visible()
    shot(page, "console-users")


def test_settings_change_and_a_key_made_then_revoked(
    page: Any, signed_in: SignedIn, shot: Shot
) -> None:
    from playwright.sync_api import expect

    signed_in(page, "admin")
    page.get_by_role("link", name="Settings").click()
    page.get_by_label("Network name").fill("Harbor Network")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Fallback URL").fill("https://harbor.example/offline")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Network settings saved.")).to_be_visible()
    expect(page.get_by_label("Currency")).to_have_value("EUR")
    shot(page, "console-settings")

    page.get_by_role("link", name="API keys").click()
    page.get_by_label(re.compile("^Name")).fill("billing export")
    page.get_by_role("button", name="Create network key").click()
    expect(page.get_by_role("heading", name="New network key")).to_be_visible()
    raw = page.get_by_label(re.compile("^Key")).input_value()
    assert raw.startswith("ct_")
    shot(page, "console-key-created")

    page.get_by_role("link", name="Back to API keys").click()
    row = page.get_by_role("row").filter(has_text="billing export")
    expect(row).to_contain_text("active")
    row.get_by_role("link", name="Revoke").click()
    page.get_by_role("button", name="Revoke key").click()
    expect(page.get_by_text("is revoked")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="billing export")).to_contain_text("revoked")
    assert raw not in page.content()
    shot(page, "console-keys")

    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("billing export")).first).to_be_visible()
    shot(page, "console-audit")
