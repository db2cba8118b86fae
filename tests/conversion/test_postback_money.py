"""The advertiser postback's money and replays: bounded, exact, refused when they disagree."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.kit.money import MONEY_MAX
from clicktrail.models import Conversion
from tests.fixtures.factories import make_affiliate, make_click, make_offer

TABLE = "/v1/networks/reporting/entity/table"


async def _rows(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion)))


@pytest.mark.parametrize(
    ("amount", "reason"),
    [
        ("9223372036855", "at most 1000000000"),
        ("9223372036854", "at most 1000000000"),
        ("1000000000.000001", "at most 1000000000"),
        ("١٢", "digits 0-9"),
        ("1_000", "digits 0-9"),
        ("NaN", "digits 0-9"),
        ("Infinity", "digits 0-9"),
        ("1.0000001", "6 decimal places"),
        ("-1", "negative"),
    ],
)
async def test_amount_outside_the_bound_is_400_naming_amount(
    db: Database, client: httpx.AsyncClient, amount: str, reason: str
) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    response = await client.get(
        "/", params={"nid": "1", "transaction_id": click.transaction_id, "amount": amount}
    )
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == "amount"
    assert reason in body["error"]
    assert await _rows(db) == []


async def test_non_ascii_event_id_is_refused(db: Database, client: httpx.AsyncClient) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    response = await client.get(
        "/", params={"nid": "1", "transaction_id": click.transaction_id, "event_id": "\u0661"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "event_id"


async def test_sums_at_the_bound_stay_exact_in_reports(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    """Twenty sales at the bound then one more conversion of the same hour: every one is
    recorded (no rollup overflow) and the report adds them exactly."""
    offer = await make_offer(
        db,
        payout_revenue=[
            {
                "event_id": 0,
                "entry_name": "Sale",
                "payout_type": "cps",
                "payout_percentage": Decimal("10"),
                "revenue_type": "rps",
                "revenue_percentage": Decimal("100"),
                "is_default": True,
            }
        ],
    )
    affiliate = await make_affiliate(db)
    for _ in range(20):
        click = await make_click(db, offer, affiliate)
        response = await client.get(
            "/", params={"nid": "1", "transaction_id": click.transaction_id, "amount": "1e9"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "approved"
    click = await make_click(db, offer, affiliate)
    last = await client.get(
        "/", params={"nid": "1", "transaction_id": click.transaction_id, "amount": "0.000001"}
    )
    assert last.status_code == 200, last.text
    rows = await _rows(db)
    assert sum(row.sale_amount for row in rows) == 20 * MONEY_MAX + Decimal("0.000001")
    today = datetime.now(UTC).date()
    report = await client.post(
        TABLE,
        json={
            "from": (today - timedelta(days=1)).isoformat(),
            "to": (today + timedelta(days=1)).isoformat(),
            "timezone_id": 67,
            "currency_id": "USD",
            "columns": [{"column": "offer"}],
            "query": {"filters": []},
        },
        headers=network_headers,
    )
    assert report.status_code == 200, report.text
    reporting = report.json()["table"][0]["reporting"]
    assert reporting["cv"] == 21
    assert reporting["revenue"] == 20_000_000_000.000001
    assert reporting["payout"] == 2_000_000_000


async def test_a_price_above_the_bound_is_refused(db: Database, client: httpx.AsyncClient) -> None:
    offer = await make_offer(
        db,
        payout_revenue=[
            {
                "event_id": 0,
                "entry_name": "Sale",
                "payout_type": "cps",
                "payout_percentage": Decimal("1"),
                "revenue_type": "rps",
                "revenue_percentage": Decimal("200"),
                "is_default": True,
            }
        ],
    )
    click = await make_click(db, offer, await make_affiliate(db))
    response = await client.get(
        "/", params={"nid": "1", "transaction_id": click.transaction_id, "amount": "600000000"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "amount"
    assert await _rows(db) == []


async def test_order_id_replay_with_other_amount_is_409(
    db: Database, client: httpx.AsyncClient
) -> None:
    offer = await make_offer(db, is_order_id_deduplicated=True)
    affiliate = await make_affiliate(db)
    first_click = await make_click(db, offer, affiliate)
    second_click = await make_click(db, offer, affiliate)
    params = {"nid": "1", "order_id": "ord-7", "amount": "49.90"}
    first = await client.get("/", params={**params, "transaction_id": first_click.transaction_id})
    assert first.status_code == 200, first.text
    same = await client.get("/", params={**params, "transaction_id": second_click.transaction_id})
    assert same.status_code == 200
    assert same.json()["conversion_id"] == first.json()["conversion_id"]
    other = await client.get(
        "/",
        params={**params, "amount": "59.90", "transaction_id": second_click.transaction_id},
    )
    assert other.status_code == 409
    assert other.json()["field"] == "amount"
    [row] = await _rows(db)
    assert row.sale_amount == Decimal("49.9")
