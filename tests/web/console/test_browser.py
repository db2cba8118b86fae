"""In Chromium: the dashboard draws its chart, the report page runs with a picked column,
and both are saved as screenshots at 1280 and 390 px."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.browser import LiveServer
from tests.web.console.traffic import seed

pytestmark = pytest.mark.slow


def test_dashboard_and_report_pages_in_a_browser(
    live_server: LiveServer,
    page: Any,
    signed_in: Callable[..., Any],
    shot: Callable[[Any, str], list[Path]],
) -> None:
    traffic = live_server.call(seed)
    signed_in(page, "admin")
    page.goto("/app/")
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart]'))"
    )
    assert page.locator("#period-today [data-metric=clicks]").inner_text() == "6"
    page.get_by_role("link", name="Shoes").first.wait_for()
    shot(page, "console-dashboard")

    page.get_by_role("link", name="Reports").first.click()
    page.wait_for_url("**/app/reports")
    page.get_by_label("Group by").select_option("date")
    page.locator("summary", has_text="Columns").click()
    page.get_by_role("checkbox", name="Gross sales").check()
    page.get_by_role("button", name="Run report").click()
    page.wait_for_url("**/app/reports?*")
    assert "col=gross_sales" in page.url
    assert page.locator("thead th", has_text="Gross sales").count() == 1
    page.wait_for_function("() => Chart.getChart(document.querySelector('canvas[data-chart]'))")
    totals = page.locator("tr.totals td").first.inner_text()
    assert totals == "6"
    shot(page, "console-reports")

    page.goto(f"/app/conversions/{traffic.pending[0]}")
    page.get_by_role("button", name="Approve").click()
    page.wait_for_url(f"**/app/conversions/{traffic.pending[0]}")
    assert page.locator("#conversion-status").inner_text() == "approved"
