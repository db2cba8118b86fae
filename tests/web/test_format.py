"""The page formats (Jinja filters)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from clicktrail.web import format as fmt
from clicktrail.web.paging import Page


def test_numbers_money_and_percentages() -> None:
    assert fmt.number(1234567) == "1,234,567"
    assert fmt.number("12.345", 2) == "12.35"
    assert fmt.number(None) == "-"
    assert fmt.number("abc") == "-"
    assert fmt.money(Decimal("1234.5"), "USD") == "1,234.50 USD"
    assert fmt.money(None, "USD") == "-"
    assert fmt.percent(12.5) == "12.50%"


def test_times_in_the_network_zone() -> None:
    moment = datetime(2026, 12, 7, 1, 30, tzinfo=UTC)
    assert fmt.dt(moment) == "2026-12-07 01:30"
    assert fmt.dt(moment, ZoneInfo("America/New_York")) == "2026-12-06 20:30"
    assert fmt.date(moment, ZoneInfo("America/New_York")) == "2026-12-06"
    assert fmt.dt(None) == "-"


def test_page_links_keep_the_filters() -> None:
    page = Page(number=2, per_page=50, total=120, params={"q": "shoes"})
    assert page.pages == 3
    assert page.offset == 50
    assert page.has_prev
    assert page.has_next
    assert page.href(3) == "?q=shoes&page=3"
    assert Page(1, 50, 0).pages == 1
