"""``/app/``: the dashboard page, its figures, chart island, top tables and who may see it."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from clicktrail.db import Database
from tests.fixtures.web import sign_in_as
from tests.web.console.traffic import seed


def _tile(html: str, period: str, metric: str) -> str:
    block = html.split(f'id="period-{period}"', 1)[1].split("</article>", 1)[0]
    found = re.search(rf'data-metric="{metric}">([^<]*)<', block)
    assert found, (period, metric)
    return found.group(1)


async def test_the_dashboard_shows_todays_figures_chart_and_tops(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    traffic = await seed(db)
    await sign_in_as(web_client, db, "manager")
    response = await web_client.get("/app/")
    assert response.status_code == 200
    html = response.text
    assert _tile(html, "today", "clicks") == "6"
    assert _tile(html, "today", "conversions") == "1"
    assert _tile(html, "today", "cvr") == "16.67%"
    assert _tile(html, "today", "payout") == "5.00 USD"
    assert _tile(html, "today", "revenue") == "8.00 USD"
    assert _tile(html, "today", "profit") == "3.00 USD"
    assert _tile(html, "today", "epc") == "0.8333"
    assert _tile(html, "yesterday", "clicks") == "0"
    assert _tile(html, "last_30_days", "clicks") == "6"

    island = html.split('id="dashboard-series">', 1)[1].split("</script>", 1)[0]
    chart = json.loads(island)
    assert chart["type"] == "line"
    assert len(chart["data"]["labels"]) == 30
    clicks = next(d for d in chart["data"]["datasets"] if d["label"] == "Clicks")
    assert clicks["data"][-1] == 6
    assert sum(clicks["data"]) == 6

    offers = html.split('id="top-offers-title"', 1)[1].split("</table>", 1)[0]
    assert f'href="/app/offers/{traffic.offer_id}">Shoes</a>' in offers
    # Hats has no revenue (its conversion is pending) and comes after Shoes.
    assert offers.index("Shoes") < offers.index("Hats")
    affiliates = html.split('id="top-affiliates-title"', 1)[1].split("</table>", 1)[0]
    assert f'href="/app/affiliates/{traffic.affiliate_id}">Mine</a>' in affiliates
    assert '<canvas data-chart="dashboard-series"' in html
    assert "chart.umd" in html


async def test_an_empty_network_shows_zeros(web_client: httpx.AsyncClient, db: Database) -> None:
    await sign_in_as(web_client, db, "admin")
    response = await web_client.get("/app/")
    assert response.status_code == 200
    assert _tile(response.text, "today", "clicks") == "0"
    assert "No traffic in the last 7 days." in response.text


@pytest.mark.parametrize(
    ("role", "target"), [("affiliate", "/partner/"), ("advertiser", "/advertiser/")]
)
async def test_a_partner_is_sent_to_its_own_part(
    web_client: httpx.AsyncClient, db: Database, role: str, target: str
) -> None:
    await seed(db)
    await sign_in_as(web_client, db, role)
    response = await web_client.get("/app/")
    assert response.status_code == 303
    assert response.headers["location"] == target


async def test_signed_out_goes_to_the_sign_in(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/app/")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/app/login")
