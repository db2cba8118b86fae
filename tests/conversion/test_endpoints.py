"""Everflow-compatible conversion endpoints: seed 000, transaction_ids, status, reports."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.conversion.service import ConversionDraft, record
from clicktrail.db import Database
from clicktrail.models import Conversion
from tests.fixtures.factories import make_affiliate, make_click, make_key, make_offer

SEED_000 = "/v1/networks/conversions/reporting"
BY_CLICKS = "/v1/networks/conversions/reporting/transaction_ids"
REPORT = "/v1/networks/reporting/conversions"


async def _rows(db: Database) -> list[Conversion]:
    async with db.read() as session:
        return list(await session.scalars(select(Conversion).order_by(Conversion.created_at)))


async def _count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Conversion)) or 0)


async def test_seed_000_creates_conversions_with_overrides(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    body = {
        "is_now": False,
        "date": "2024-03-10 09:30:00",
        "offer_id": offer.network_offer_id,
        "affiliate_id": affiliate.network_affiliate_id,
        "timezone_id": 90,
        "event_id": 0,
        "number_of_conversions": 2,
        "revenue_amount": 12.5,
        "is_revenue_amount_submitted": True,
        "payout_amount": 99,
        "is_payout_amount_submitted": False,
        "sale_amount": 100,
        "adv1": "x1",
        "adv5": "x5",
        "email": "a@b.c",
        "coupon_code": "C",
        "order_id": "321312",
        "internal_notes": "manual",
    }
    response = await client.post(SEED_000, json=body, headers=network_headers)
    assert response.status_code == 200, response.text
    assert response.json() == {"result": True}
    rows = await _rows(db)
    assert len(rows) == 2
    for row in rows:
        assert row.transaction_id is None
        assert row.network_affiliate_id == affiliate.network_affiliate_id
        assert row.revenue == Decimal("12.5")  # submitted override
        assert row.payout == Decimal(5)  # not submitted: the offer's CPA
        assert row.sale_amount == Decimal(100)
        assert (row.adv1, row.adv5, row.email, row.coupon_code, row.order_id) == (
            "x1",
            "x5",
            "a@b.c",
            "C",
            "321312",
        )
        assert row.internal_notes == "manual"
        # 09:30 in Los Angeles (PDT from March 10, 2024 03:00) is 16:30 UTC.
        assert row.created_at == datetime(2024, 3, 10, 16, 30, tzinfo=UTC)
        assert row.source == "api"


async def test_seed_000_is_now(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    body = {
        "is_now": True,
        "offer_id": offer.network_offer_id,
        "affiliate_id": affiliate.network_affiliate_id,
        "timezone_id": 67,
        "event_id": 0,
        "number_of_conversions": 1,
    }
    before = datetime.now(UTC)
    response = await client.post(SEED_000, json=body, headers=network_headers)
    assert response.json() == {"result": True}
    [row] = await _rows(db)
    assert row.created_at >= before - timedelta(seconds=1)


@pytest.mark.parametrize(
    ("change", "status", "field"),
    [
        ({"is_now": False}, 400, "date"),
        ({"is_now": False, "date": "10/03/2024"}, 400, "date"),
        ({"number_of_conversions": 0}, 400, "number_of_conversions"),
        ({"number_of_conversions": 51}, 400, "number_of_conversions"),
        ({"offer_id": 999}, 404, "offer_id"),
        ({"affiliate_id": 999}, 404, "affiliate_id"),
        ({"event_id": 77}, 404, "event_id"),
        ({"sale_amount": -1}, 400, "sale_amount"),
        ({"sale_amount": 9300000000000}, 400, "sale_amount"),
        ({"sale_amount": "١٢"}, 400, "sale_amount"),
        ({"revenue_amount": "NaN", "is_revenue_amount_submitted": True}, 400, "revenue_amount"),
        ({"payout_amount": "1_000", "is_payout_amount_submitted": True}, 400, "payout_amount"),
        ({"payout_amount": 0.1234567}, 400, "payout_amount"),
        ({"is_now": False, "date": "1969-12-31 12:00:00"}, 400, "date"),
        ({"is_now": False, "date": "٢٠٢٤-03-10 09:30:00"}, 400, "date"),
        ({"timezone_id": 1000}, 400, "timezone_id"),
        ({"offer_id": None}, 400, "offer_id"),
    ],
)
async def test_seed_000_bad_input(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    change: dict[str, Any],
    status: int,
    field: str,
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    body = {
        "is_now": True,
        "offer_id": offer.network_offer_id,
        "affiliate_id": affiliate.network_affiliate_id,
        "timezone_id": 67,
        "event_id": 0,
        "number_of_conversions": 3,
        **change,
    }
    response = await client.post(SEED_000, json=body, headers=network_headers)
    assert response.status_code == status, response.text
    error = response.json()
    assert field in error["Error"]
    assert error["Error"] == error["error"]
    assert await _count(db) == 0


async def test_seed_000_needs_network_key(db: Database, client: httpx.AsyncClient) -> None:
    response = await client.post(SEED_000, json={})
    assert response.status_code == 401
    affiliate = await make_affiliate(db)
    key = await make_key(db, "affiliate", affiliate.network_affiliate_id)
    response = await client.post(SEED_000, json={}, headers={"X-Eflow-API-Key": key})
    assert response.status_code == 403


async def test_transaction_ids_one_conversion_per_click(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    clicks = [await make_click(db, offer, affiliate, sub1=f"s{i}") for i in range(3)]
    body = {
        "is_now": True,
        "offer_id": offer.network_offer_id,
        "timezone_id": 90,
        "event_id": 0,
        "revenue_amount": 2,
        "is_payout_amount_submitted": False,
        "is_revenue_amount_submitted": True,
        "transaction_ids": [c.transaction_id for c in clicks],
    }
    response = await client.post(BY_CLICKS, json=body, headers=network_headers)
    assert response.json() == {"result": True}
    rows = await _rows(db)
    assert sorted(r.transaction_id or "" for r in rows) == sorted(c.transaction_id for c in clicks)
    assert {r.revenue for r in rows} == {Decimal(2)}
    assert sorted(r.sub1 for r in rows) == ["s0", "s1", "s2"]
    assert {r.source for r in rows} == {"api_transaction"}


async def test_transaction_ids_unknown_or_foreign_click_writes_nothing(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    other = await make_offer(db)
    affiliate = await make_affiliate(db)
    mine = await make_click(db, offer, affiliate)
    foreign = await make_click(db, other, affiliate)
    base = {"is_now": True, "offer_id": offer.network_offer_id, "timezone_id": 67, "event_id": 0}
    unknown = await client.post(
        BY_CLICKS,
        json={**base, "transaction_ids": [mine.transaction_id, "0" * 32]},
        headers=network_headers,
    )
    assert unknown.status_code == 404
    assert "transaction_id" in unknown.json()["Error"]
    mismatch = await client.post(
        BY_CLICKS,
        json={**base, "transaction_ids": [mine.transaction_id, foreign.transaction_id]},
        headers=network_headers,
    )
    assert mismatch.status_code == 400
    assert "offer_id" in mismatch.json()["Error"]
    malformed = await client.post(
        BY_CLICKS, json={**base, "transaction_ids": ["nothex"]}, headers=network_headers
    )
    assert malformed.status_code == 400
    assert await _count(db) == 0


async def _conversion(db: Database, **draft: Any) -> Conversion:
    async with db.write() as session:
        return (await record(session, ConversionDraft(**draft))).conversion


async def test_patch_status(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    conv = await _conversion(db, source="postback", transaction_id=click.transaction_id)
    response = await client.patch(
        REPORT,
        json={"conversion_ids": [conv.conversion_id], "conversion_status": "rejected"},
        headers=network_headers,
    )
    assert response.json() == {"result": True}
    [row] = await _rows(db)
    assert (row.status, row.error_code, row.error_message) == ("rejected", 9, "Manually Rejected")
    bad = await client.patch(
        REPORT,
        json={"conversion_ids": [conv.conversion_id], "conversion_status": "pending"},
        headers=network_headers,
    )
    assert bad.status_code == 400
    assert "conversion_status" in bad.json()["Error"]
    missing = await client.patch(
        REPORT,
        json={"conversion_ids": ["e" * 32], "conversion_status": "approved"},
        headers=network_headers,
    )
    assert missing.status_code == 404


async def test_report_filters_paging_and_get(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db, name="Shoes")
    other = await make_offer(db, name="Hats")
    aff = await make_affiliate(db, name="Pubs")
    for i in range(3):
        click = await make_click(db, offer, aff, sub1=f"k{i}")
        await _conversion(db, source="postback", transaction_id=click.transaction_id)
    hat_click = await make_click(db, other, aff)
    hat = await _conversion(db, source="postback", transaction_id=hat_click.transaction_id)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    body: dict[str, Any] = {
        "from": today,
        "to": today,
        "timezone_id": 67,
        "show_conversions": True,
        "show_events": False,
        "query": {
            "filters": [{"resource_type": "offer", "filter_id_value": offer.network_offer_id}]
        },
    }
    page1 = await client.post(
        REPORT, params={"page": 1, "page_size": 2}, json=body, headers=network_headers
    )
    assert page1.status_code == 200, page1.text
    data = page1.json()
    assert data["paging"] == {"page": 1, "page_size": 2, "total_count": 3}
    assert len(data["conversions"]) == 2
    row = data["conversions"][0]
    assert row["relationship"]["offer"]["name"] == "Shoes"
    assert row["relationship"]["affiliate"]["name"] == "Pubs"
    assert (row["payout"], row["revenue"], row["status"]) == (5, 8, "approved")
    assert row["session_user_ip"] == "203.0.113.7"
    page2 = await client.post(
        REPORT, params={"page": 2, "page_size": 2}, json=body, headers=network_headers
    )
    assert len(page2.json()["conversions"]) == 1
    # Two offer filters OR; a status filter ANDs with them.
    body["query"]["filters"] = [
        {"resource_type": "offer", "filter_id_value": str(offer.network_offer_id)},
        {"resource_type": "offer", "filter_id_value": str(other.network_offer_id)},
        {"resource_type": "sub1", "filter_id_value": "k1"},
    ]
    both = await client.post(REPORT, json=body, headers=network_headers)
    assert [c["sub1"] for c in both.json()["conversions"]] == ["k1"]
    got = await client.get(f"{REPORT}/{hat.conversion_id}", headers=network_headers)
    assert got.status_code == 200
    assert got.json()["relationship"]["offer"]["name"] == "Hats"
    assert (await client.get(f"{REPORT}/{'d' * 32}", headers=network_headers)).status_code == 404


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"from": "2020-01-01", "to": "2022-01-01"}, "to"),
        (
            {"query": {"filters": [{"resource_type": "planet", "filter_id_value": "x"}]}},
            "resource_type",
        ),
        (
            {"query": {"filters": [{"resource_type": "offer", "filter_id_value": "x"}]}},
            "filter_id_value",
        ),
        ({"timezone_id": 0}, "timezone_id"),
    ],
)
async def test_report_bad_input(
    client: httpx.AsyncClient, network_headers: dict[str, str], change: dict[str, Any], field: str
) -> None:
    body = {"from": "2024-01-01", "to": "2024-01-31", "timezone_id": 67, **change}
    response = await client.post(REPORT, json=body, headers=network_headers)
    assert response.status_code == 400
    assert field in response.json()["Error"]


async def test_affiliate_report_sees_only_its_own_without_revenue(
    db: Database, client: httpx.AsyncClient
) -> None:
    offer = await make_offer(db)
    mine = await make_affiliate(db)
    theirs = await make_affiliate(db)
    for aff in (mine, theirs):
        click = await make_click(db, offer, aff)
        await _conversion(db, source="postback", transaction_id=click.transaction_id, order_id="o")
    key = await make_key(db, "affiliate", mine.network_affiliate_id)
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    response = await client.post(
        "/v1/affiliates/reporting/conversions",
        json={"from": today, "to": today, "timezone_id": 67},
        headers={"X-Eflow-API-Key": key},
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["paging"]["total_count"] == 1
    [row] = data["conversions"]
    assert row["payout"] == 5
    assert "revenue" not in row
    assert "revenue_type" not in row
    assert "adv1" not in row
    assert "affiliate" not in row["relationship"]
    assert "advertiser" not in row["relationship"]
    hidden = await client.post(
        "/v1/affiliates/reporting/conversions",
        json={
            "from": today,
            "to": today,
            "timezone_id": 67,
            "query": {"filters": [{"resource_type": "advertiser", "filter_id_value": "1"}]},
        },
        headers={"X-Eflow-API-Key": key},
    )
    assert hidden.status_code == 400
