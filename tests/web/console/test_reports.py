"""``/app/reports``: the entity report page (grouping, columns, filters, totals, chart,
pages), its CSV export, refused input and who may open it."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest

from clicktrail.db import Database
from tests.fixtures.web import sign_in_as
from tests.web.console.traffic import Traffic, seed


@pytest.fixture
async def traffic(web_client: httpx.AsyncClient, db: Database) -> Traffic:
    seeded = await seed(db)
    await sign_in_as(web_client, db, "manager")
    return seeded


def _body(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def _totals(html: str) -> str:
    return html.split('<tr class="totals">', 1)[1].split("</tr>", 1)[0]


async def test_the_default_report_groups_by_offer_over_the_last_week(
    web_client: httpx.AsyncClient, traffic: Traffic
) -> None:
    response = await web_client.get("/app/reports")
    assert response.status_code == 200
    html = response.text
    rows = _body(html.split('class="striped report-table"', 1)[1])
    assert f'<a href="/app/offers/{traffic.offer_id}">Shoes</a>' in rows
    assert f'<a href="/app/offers/{traffic.other_offer_id}">Hats</a>' in rows
    # Clicks, unique clicks, conversions, CVR, payout, revenue, profit, EPC.
    assert '<td class="num">4</td><td class="num">4</td><td class="num">1</td>' in rows
    totals = _totals(html)
    assert '<td class="num">6</td>' in totals
    assert '<td class="num">8.00</td>' in totals  # revenue
    assert 'value="total_click" checked' in html
    assert 'value="gross_sales" checked' not in html
    chart = json.loads(html.split('id="report-chart">', 1)[1].split("</script>", 1)[0])
    assert chart["type"] == "bar"
    assert chart["data"]["labels"][:2] == ["Shoes", "Hats"]
    assert chart["data"]["datasets"][0]["data"][:2] == [4.0, 2.0]
    assert "/app/reports/export.csv?group=offer" in html


async def test_columns_grouping_and_filters_come_from_the_query_string(
    web_client: httpx.AsyncClient, traffic: Traffic
) -> None:
    day = traffic.now.date().isoformat()
    response = await web_client.get(
        "/app/reports",
        params=[
            ("group", "date"),
            ("from", day),
            ("to", day),
            ("offer", str(traffic.offer_id)),
            ("col", "cv"),
            ("col", "payout"),
            ("metric", "payout"),
        ],
    )
    assert response.status_code == 200
    html = response.text
    head = html.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert ">Date</th>" in head
    assert ">Conversions</th>" in head
    assert ">Payout</th>" in head
    assert ">Clicks</th>" not in head
    rows = _body(html.split('class="striped report-table"', 1)[1])
    assert f"<td>{day}</td>" in rows
    assert '<td class="num">1</td><td class="num">5.00</td>' in rows
    assert 'value="cv" checked' in html
    assert 'value="total_click" checked' not in html
    chart = json.loads(html.split('id="report-chart">', 1)[1].split("</script>", 1)[0])
    assert chart["type"] == "line"
    assert chart["data"]["datasets"][0] == {"label": "Payout", "data": [5.0]}
    # The next page and the export keep every setting.
    assert "col=cv&amp;col=payout" in html


async def test_rows_are_paged(web_client: httpx.AsyncClient, traffic: Traffic) -> None:
    response = await web_client.get("/app/reports?group=offer&page=2")
    assert response.status_code == 200
    assert "No traffic in this range." in response.text
    assert 'rel="prev"' in response.text


async def test_the_export_is_the_api_csv(web_client: httpx.AsyncClient, traffic: Traffic) -> None:
    response = await web_client.get("/app/reports/export.csv?group=offer&group=affiliate")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    by_offer = {row["offer"]: row for row in rows}
    assert by_offer["Shoes"]["affiliate"] == "Mine"
    assert by_offer["Shoes"]["total_click"] == "4"
    assert by_offer["Shoes"]["revenue"] == "8"


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("group=bogus", "group", "Unknown choice"),
        ("group=date&group=month", "group", "at most one of date"),
        ("from=2026-13-01", "from", "YYYY-MM-DD"),
        ("from=2026-03-10&to=2026-03-01", "from", "must not be after"),
        ("from=2024-01-01&to=2026-01-01", "to", "at most 366 days"),
        ("tz=1000", "tz", "Choose one"),
        ("offer=abc", "offer", "numeric id"),
        ("col=secret", "col", "Unknown choice"),
        ("page=0", "page", "whole number"),
        ("group=sub1&group=country", "group", "sub1..sub5"),
    ],
)
async def test_bad_input_is_a_400_beside_the_field(
    web_client: httpx.AsyncClient, traffic: Traffic, query: str, field: str, message: str
) -> None:
    response = await web_client.get(f"/app/reports?{query}")
    assert response.status_code == 400
    assert message in response.text
    if field in ("from", "to", "tz", "offer"):
        assert f'id="f-{field}" ' in response.text
        assert f'id="f-{field}-help" class="field-error"' in response.text
    export = await web_client.get(f"/app/reports/export.csv?{query}")
    assert export.status_code == 400


@pytest.mark.parametrize("path", ["/app/reports", "/app/reports/export.csv"])
async def test_partners_may_not_open_the_network_report(
    web_client: httpx.AsyncClient, db: Database, path: str
) -> None:
    await seed(db)
    await sign_in_as(web_client, db, "affiliate")
    response = await web_client.get(path)
    assert response.status_code == 403
    assert "Shoes" not in response.text


@pytest.mark.parametrize(("group", "points"), [("hour", 24), ("week", None), ("month", None)])
async def test_time_groupings_chart_every_bucket(
    web_client: httpx.AsyncClient, traffic: Traffic, group: str, points: int | None
) -> None:
    response = await web_client.get(f"/app/reports?group={group}&metric=cv")
    assert response.status_code == 200
    chart = json.loads(response.text.split('id="report-chart">', 1)[1].split("</script>", 1)[0])
    assert chart["type"] == "line"
    data = chart["data"]["datasets"][0]["data"]
    if points is not None:
        assert len(data) == points
    assert sum(data) == 1.0
