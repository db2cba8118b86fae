"""In a real Chromium against a real ``clicktrail serve``: sign-in, the layout, sign-out.

The ``page`` fixture fails a test on any console error, page error or request that leaves
the server's origin; screenshots land in test-artifacts/screenshots/.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clicktrail.models import User

pytestmark = pytest.mark.slow

SignedIn = Callable[..., tuple[User, str]]
Shot = Callable[[Any, str], list[Path]]


def test_admin_signs_in_and_out(page: Any, signed_in: SignedIn, shot: Shot) -> None:
    from playwright.sync_api import expect

    page.goto("/app/")
    expect(page).to_have_url(re.compile(r"/app/login\?next=%2Fapp%2F$"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(page.get_by_label("Email")).to_be_focused()  # autofocus; the keyboard goes on
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    shot(page, "sign-in")

    user, _ = signed_in(page, "admin")
    expect(page).to_have_url(re.compile(r"/app/$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text(f"Signed in as {user.email}")).to_be_visible()
    shot(page, "console-home")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/app/login$"))
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    page.goto("/app/")
    expect(page).to_have_url(re.compile(r"/app/login"))


def test_affiliate_lands_in_its_portal(page: Any, signed_in: SignedIn, shot: Shot) -> None:
    from playwright.sync_api import expect

    user, _ = signed_in(page, "affiliate")
    expect(page).to_have_url(re.compile(r"/partner/$"))
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text(f"Affiliate {user.network_affiliate_id}")).to_be_visible()
    shot(page, "partner-home")
    page.goto("/app/")
    expect(page).to_have_url(re.compile(r"/partner/$"))
