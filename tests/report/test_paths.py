"""The rollups as the real write paths feed them: tracking link -> report, advertiser
postback -> report, the raw-driver statements of the click writer, and the value cap."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.engine import make_url

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.models import Click
from clicktrail.report import rollup
from clicktrail.report.admission import ADMISSION
from tests.fixtures.factories import make_affiliate, make_offer
from tests.tracking.helpers import make_pair, query_of

TABLE = "/v1/networks/reporting/entity/table"


def _body(columns: list[str], day: datetime, **extra: Any) -> dict[str, Any]:
    return {
        "from": (day - timedelta(days=1)).date().isoformat(),
        "to": (day + timedelta(days=1)).date().isoformat(),
        "timezone_id": 67,
        "columns": [{"column": c} for c in columns],
        **extra,
    }


async def test_tracking_link_and_postback_reach_the_report(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    pair = await make_pair(app)
    tids = []
    for sub1 in ("fb", "fb", "gg"):
        response = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}&sub1={sub1}")
        assert response.status_code == 302
        tids.append(query_of(response.headers["location"])["tid"])
    postback = await client.get("/", params={"nid": "1", "transaction_id": tids[0]})
    assert postback.status_code == 200, postback.text
    now = datetime.now(UTC)
    response = await client.post(TABLE, json=_body(["offer", "sub1"], now), headers=network_headers)
    assert response.status_code == 200, response.text
    rows = {r["columns"][1]["id"]: r["reporting"] for r in response.json()["table"]}
    assert rows["fb"]["total_click"] == 2
    assert rows["fb"]["cv"] == 1
    assert rows["fb"]["payout"] == 5
    assert rows["fb"]["revenue"] == 8
    assert rows["gg"]["total_click"] == 1
    assert rows["gg"]["cv"] == 0
    summary = response.json()["summary"]
    assert summary["total_click"] == 3
    assert summary["cv"] == 1


def _clicks(offer_id: int, affiliate_id: int, at: datetime, n: int) -> list[dict[str, Any]]:
    return [
        {
            "transaction_id": new_hex_id(),
            "created_at": at + timedelta(seconds=i),
            "network_offer_id": offer_id,
            "network_affiliate_id": affiliate_id,
            "network_advertiser_id": 1,
            "is_unique": True,
            "error_code": 0,
            "country_code": "US",
            "sub1": f"click-{i}",
        }
        for i in range(n)
    ]


async def test_raw_driver_statements_on_this_database(
    db: Database, database_url: str, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    """What the click writer runs: the statements through the plain driver, in one transaction."""
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    at = datetime.now(UTC) - timedelta(days=3)
    rows = _clicks(offer.network_offer_id, affiliate.network_affiliate_id, at, 5)
    url = make_url(database_url)
    if db.is_sqlite:
        conn = sqlite3.connect(str(url.database), isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for sql, params in rollup.click_rollup_statements(rows, "sqlite"):
                conn.executemany(sql, params)
            conn.execute("COMMIT")
        finally:
            conn.close()
    else:
        dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
        pg = await asyncpg.connect(dsn)
        try:
            async with pg.transaction():
                for sql, params in rollup.click_rollup_statements(rows, "postgresql"):
                    await pg.executemany(sql, params)
        finally:
            await pg.close()
    response = await client.post(TABLE, json=_body(["sub1"], at), headers=network_headers)
    assert response.status_code == 200, response.text
    table = response.json()["table"]
    assert sorted(r["columns"][0]["id"] for r in table) == [f"click-{i}" for i in range(5)]
    assert response.json()["summary"]["total_click"] == 5


@pytest.fixture
def small_cap(app: ClicktrailApp) -> Iterator[None]:
    """After the app started (its service applies the configured limits)."""
    ADMISSION.reset()
    ADMISSION.configure(per_day=3, per_affiliate=2)
    yield
    ADMISSION.reset()
    ADMISSION.configure(per_day=2000, per_affiliate=500)


@pytest.mark.usefixtures("small_cap")
async def test_values_past_the_cap_are_other_and_totals_stay_exact(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    first = await make_affiliate(db, name="First")
    second = await make_affiliate(db, name="Second")
    at = datetime.now(UTC) - timedelta(days=2)
    rows = _clicks(offer.network_offer_id, first.network_affiliate_id, at, 4)
    rows += _clicks(offer.network_offer_id, second.network_affiliate_id, at, 3)
    async with db.write() as session:
        session.add_all([Click(**r) for r in rows])
        await session.flush()
        await rollup.add_clicks(session, rows)
    response = await client.post(
        TABLE, json=_body(["affiliate", "sub1"], at), headers=network_headers
    )
    assert response.status_code == 200, response.text
    got = {
        (r["columns"][0]["label"], r["columns"][1]["id"]): r["reporting"]["total_click"]
        for r in response.json()["table"]
    }
    # First: 2 of its own values admitted (per-affiliate cap), 2 lumped. Second: the day's
    # budget of 3 has room for one more value ("click-0" is already admitted, shared).
    assert got == {
        ("First", "click-0"): 1,
        ("First", "click-1"): 1,
        ("First", "(other)"): 2,
        ("Second", "click-0"): 1,
        ("Second", "click-1"): 1,
        ("Second", "click-2"): 1,
    }
    assert response.json()["summary"]["total_click"] == 7
