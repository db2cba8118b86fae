"""Changing a recorded conversion through Everflow's update calls: the row, its history, the
aggregate and raw reports after it, and the refusals (nothing written)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.conversion.service import ConversionDraft, record
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Conversion, ConversionChange, Offer
from tests.fixtures.factories import make_affiliate, make_click, make_offer

STATUS = "/v1/networks/reporting/conversions"
TABLE = "/v1/networks/reporting/entity/table"


def _one(cid: str, what: str) -> str:
    return f"/v1/networks/reporting/conversions/{cid}/{what}"


async def _conversion(db: Database, offer: Offer | None = None, **draft: Any) -> str:
    offer = offer or await make_offer(db)
    affiliate = await make_affiliate(db)
    click = await make_click(db, offer, affiliate)
    async with db.write() as session:
        recorded = await record(
            session,
            ConversionDraft(source="api", transaction_id=click.transaction_id, **draft),
        )
    return recorded.conversion.conversion_id


async def _summary(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    day = utcnow().date().isoformat()
    body = {
        "from": day,
        "to": day,
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": "offer"}],
        "query": {"filters": []},
    }
    response = await client.post(TABLE, json=body, headers=headers)
    assert response.status_code == 200, response.text
    summary: dict[str, Any] = response.json()["summary"]
    return summary


async def _raw_totals(client: httpx.AsyncClient, headers: dict[str, str]) -> tuple[Decimal, ...]:
    day = utcnow().date().isoformat()
    body = {"from": day, "to": day, "timezone_id": 67}
    response = await client.post(STATUS, json=body, headers=headers)
    assert response.status_code == 200, response.text
    approved = [c for c in response.json()["conversions"] if c["status"] == "approved"]
    return tuple(
        sum((Decimal(str(c[name])) for c in approved), Decimal(0))
        for name in ("payout", "revenue", "sale_amount")
    )


async def _changes(db: Database) -> list[ConversionChange]:
    async with db.read() as session:
        query = select(ConversionChange).order_by(ConversionChange.conversion_change_id)
        return list(await session.scalars(query))


async def test_payout_revenue_and_sale_amount_change_the_row_history_and_reports(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    first = await _conversion(db, offer, payout=Decimal("5"), revenue=Decimal("8"))
    await _conversion(db, offer, payout=Decimal("1.25"), revenue=Decimal("2"))
    before = await _summary(client, network_headers)
    assert (before["cv"], before["payout"], before["revenue"]) == (2, 6.25, 10)

    response = await client.put(
        _one(first, "payoutrevenue"),
        json={"payout": 4.000001, "revenue": "12.5", "is_event": False, "notes": "refund"},
        headers=network_headers,
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"result": True}
    response = await client.put(
        _one(first.upper(), "saleamount"),
        json={"sale_amount": 99.99, "notes": "corrected order total"},
        headers=network_headers,
    )
    assert response.status_code == 200, response.text

    async with db.read() as session:
        row = await session.get(Conversion, first)
        assert row is not None
        assert (row.payout, row.revenue, row.sale_amount) == (
            Decimal("4.000001"),
            Decimal("12.5"),
            Decimal("99.99"),
        )
    changes = await _changes(db)
    assert [(c.field, c.old_value, c.new_value, c.note) for c in changes] == [
        ("payout", "5", "4.000001", "refund"),
        ("revenue", "8", "12.5", "refund"),
        ("sale_amount", "0", "99.99", "corrected order total"),
    ]
    assert {(c.conversion_id, c.actor_type) for c in changes} == {(first, "api_key")}
    assert all(c.actor_id is not None for c in changes)

    after = await _summary(client, network_headers)
    assert after["cv"] == 2
    assert Decimal(str(after["payout"])) == Decimal("5.250001")
    assert Decimal(str(after["revenue"])) == Decimal("14.5")
    assert Decimal(str(after["gross_sales"])) == Decimal("99.99")
    assert await _raw_totals(client, network_headers) == (
        Decimal("5.250001"),
        Decimal("14.5"),
        Decimal("99.99"),
    )

    detail = await client.get(
        f"/v1/networks/reporting/conversions/{first}", headers=network_headers
    )
    assert detail.status_code == 200
    history = detail.json()["history"]
    assert [(h["field"], h["old_value"], h["new_value"]) for h in history] == [
        ("payout", "5", "4.000001"),
        ("revenue", "8", "12.5"),
        ("sale_amount", "0", "99.99"),
    ]
    assert history[0]["notes"] == "refund"
    assert history[0]["actor_type"] == "api_key"

    again = await client.put(
        _one(first, "payoutrevenue"),
        json={"payout": 4.000001, "revenue": 12.5},
        headers=network_headers,
    )
    assert again.status_code == 200
    assert len(await _changes(db)) == 3  # the same values again change nothing


async def test_bulk_status_change_keeps_a_note_per_conversion_and_moves_the_reports(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    ids = [await _conversion(db, offer, payout=Decimal("3")) for _ in range(2)]
    response = await client.patch(
        STATUS,
        json={"conversion_ids": ids, "conversion_status": "rejected", "notes": "fraud"},
        headers=network_headers,
    )
    assert response.status_code == 200, response.text
    changes = await _changes(db)
    assert sorted((c.conversion_id, c.field, c.old_value, c.new_value) for c in changes) == sorted(
        (cid, "status", "approved", "rejected") for cid in ids
    )
    assert {c.note for c in changes} == {"fraud"}
    summary = await _summary(client, network_headers)
    assert (summary["cv"], summary["payout"]) == (0, 0)


async def test_a_bulk_change_with_an_unknown_id_writes_nothing(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    known = await _conversion(db)
    response = await client.patch(
        STATUS,
        json={"conversion_ids": [known, "f" * 32], "conversion_status": "rejected"},
        headers=network_headers,
    )
    assert response.status_code == 404
    assert "f" * 32 in response.json()["Error"]
    async with db.read() as session:
        row = await session.get(Conversion, known)
        assert row is not None
        assert row.status == "approved"
    assert await _changes(db) == []


@pytest.mark.parametrize(
    ("what", "body", "status", "field"),
    [
        ("payoutrevenue", {"payout": -1, "revenue": 2}, 400, "payout"),
        ("payoutrevenue", {"payout": 1, "revenue": "1e12"}, 400, "revenue"),
        ("payoutrevenue", {"payout": 1, "revenue": 0.0000001}, 400, "revenue"),
        ("payoutrevenue", {"payout": 1}, 400, "revenue"),
        ("payoutrevenue", {}, 400, "payout"),
        ("payoutrevenue", {"payout": 1, "revenue": 1, "is_event": True}, 400, "is_event"),
        ("payoutrevenue", {"payout": 1, "revenue": 1, "notes": "x" * 1001}, 400, "notes"),
        ("saleamount", {"sale_amount": "NaN"}, 400, "sale_amount"),
        ("saleamount", {"sale_amount": True}, 400, "sale_amount"),
    ],
)
async def test_bad_amounts_are_a_400_naming_the_field(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    what: str,
    body: dict[str, Any],
    status: int,
    field: str,
) -> None:
    cid = await _conversion(db, payout=Decimal("5"))
    response = await client.put(_one(cid, what), json=body, headers=network_headers)
    assert response.status_code == status, response.text
    assert field in response.json()["Error"]
    async with db.read() as session:
        row = await session.get(Conversion, cid)
        assert row is not None
        assert row.payout == Decimal("5")
    assert await _changes(db) == []


async def test_unknown_conversions_invalid_statuses_and_held_conversions(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    missing = await client.put(
        _one("a" * 32, "saleamount"), json={"sale_amount": 1}, headers=network_headers
    )
    assert missing.status_code == 404
    assert "conversion" in missing.json()["Error"]
    not_an_id = await client.put(
        _one("nope", "payoutrevenue"), json={"payout": 1, "revenue": 1}, headers=network_headers
    )
    assert not_an_id.status_code == 404

    bad_status = await client.patch(
        STATUS,
        json={"conversion_ids": ["a" * 32], "conversion_status": "pending"},
        headers=network_headers,
    )
    assert bad_status.status_code == 400
    assert "conversion_status" in bad_status.json()["Error"]

    cid = await _conversion(db)
    rejected = await client.patch(
        STATUS,
        json={"conversion_ids": [cid], "conversion_status": "rejected"},
        headers=network_headers,
    )
    assert rejected.status_code == 200
    held = await client.put(
        _one(cid, "payoutrevenue"), json={"payout": 9, "revenue": 9}, headers=network_headers
    )
    assert held.status_code == 400
    assert "only an approved conversion" in held.json()["Error"]
    sale = await client.put(
        _one(cid, "saleamount"), json={"sale_amount": 7}, headers=network_headers
    )
    assert sale.status_code == 200  # the sale amount changes on any conversion
    async with db.read() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(ConversionChange)
            .where(ConversionChange.field == "payout")
        )
    assert count == 0
