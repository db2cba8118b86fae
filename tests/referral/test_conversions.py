"""POST /v1/conversions (seed 004): resolution, commission, currency, idempotency, errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Commission, Conversion, Referral
from tests.fixtures.factories import make_click
from tests.referral.conftest import (
    World,
    add_incentive,
    convert,
    count,
    new_click,
    new_referral,
)


async def test_conversion_envelope_and_rows(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    incentive_id = await add_incentive(client, bearer, world, amount=30)
    referral = await new_referral(client, bearer, world)
    response = await convert(
        client,
        bearer,
        referral_id=referral["id"],
        sale_amount=99,
        sale_amount_currency="USD",
        external_event_id="inv_1",
        product_ids=["prod_a"],
        metadata={"plan": "pro"},
        created_at="2026-01-05T10:00:00Z",
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["success"] is True
    data = body["data"]
    assert data["referral_id"] == referral["id"]
    assert data["affiliate_id"] == str(world.affiliate.network_affiliate_id)
    assert data["program_id"] == world.program_id
    assert data["sale_amount"] == 99
    assert data["sale_amount_currency"] == "USD"
    assert data["commission_amount"] == 29.7
    assert data["commission_currency"] == "USD"
    assert data["status"] == "ready_for_payment"
    assert data["sales_status"] == "complete"
    assert data["hold_period_days"] == 0
    assert data["external_event_id"] == "inv_1"
    assert data["matched_incentive_id"] == incentive_id
    assert data["calculation_mode"] == "auto"
    assert data["replayed"] is False
    assert data["created_at"] == "2026-01-05T10:00:00.000Z"
    assert data["metadata"] == {"plan": "pro"}

    async with db.read() as session:
        conversion = await session.get(Conversion, data["id"])
        commission = await session.get(Commission, data["id"])
        ref = await session.get(Referral, referral["id"])
    assert conversion is not None
    assert commission is not None
    assert ref is not None
    assert conversion.source == "referral"
    assert conversion.status == "approved"
    assert conversion.payout == Decimal("29.7")
    assert conversion.sale_amount == Decimal("99")
    assert conversion.revenue == Decimal("49.5")  # the offer's RPS 50 %
    assert conversion.network_offer_id == world.offer.network_offer_id
    assert conversion.created_at == datetime(2026, 1, 5, 10, tzinfo=UTC)
    assert commission.attributes == {"plan": "pro"}
    assert ref.status == "customer"
    assert ref.converted_at == datetime(2026, 1, 5, 10, tzinfo=UTC)


async def test_replay_returns_the_same_conversion(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    await add_incentive(client, bearer, world)
    referral = await new_referral(client, bearer, world)
    body = {"referral_id": referral["id"], "sale_amount": 50, "external_event_id": "evt-9"}
    first = await convert(client, bearer, **body)
    second = await convert(client, bearer, **{**body, "sale_amount": "50.00"})
    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["data"]["id"] == first.json()["data"]["id"]
    assert second.json()["data"]["replayed"] is True
    assert second.json()["data"]["sale_amount"] == 50
    assert await count(db, Conversion) == 1
    assert await count(db, Commission) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sale_amount": 70}, "sale_amount"),
        ({"sale_amount_currency": "EUR"}, "sale_amount_currency"),
    ],
)
async def test_replay_with_other_money_is_409(
    client: httpx.AsyncClient,
    bearer: dict[str, str],
    world: World,
    db: Database,
    change: dict[str, object],
    field: str,
) -> None:
    await add_incentive(client, bearer, world)
    referral = await new_referral(client, bearer, world)
    body = {"referral_id": referral["id"], "sale_amount": 50, "external_event_id": "evt-9"}
    first = await convert(client, bearer, **body)
    assert first.status_code == 201
    other = await convert(client, bearer, **{**body, **change})
    assert other.status_code == 409
    error = other.json()
    assert error["success"] is False
    assert error["error"]["field"] == field
    assert await count(db, Conversion) == 1
    [commission] = await _commissions(db)
    assert commission.sale_amount == Decimal(50)


async def _commissions(db: Database) -> list[Commission]:
    async with db.read() as session:
        return list(await session.scalars(select(Commission)))


@pytest.mark.parametrize("identifier", ["referral_id", "customer_id", "external_user_id"])
async def test_each_identifier_resolves_the_referral(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, identifier: str
) -> None:
    referral = await new_referral(client, bearer, world, external_user_id="user-1")
    await client.put(
        f"/v1/referrals/{referral['id']}", json={"customer_id": "cus-1"}, headers=bearer
    )
    value = {"referral_id": referral["id"], "customer_id": "cus-1", "external_user_id": "user-1"}[
        identifier
    ]
    response = await convert(client, bearer, **{identifier: value, "sale_amount": 10})
    assert response.status_code == 201, response.text
    assert response.json()["data"]["referral_id"] == referral["id"]


async def test_a_click_id_makes_the_referral_and_links_customer(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    await add_incentive(client, bearer, world, amount=10)
    click = await make_click(db, world.offer, world.affiliate)  # a tracking-link click
    first = await convert(
        client, bearer, click_id=click.transaction_id, customer_id="cus-9", sale_amount=100
    )
    assert first.status_code == 201, first.text
    assert first.json()["data"]["referral_id"] == click.transaction_id
    # The customer id sent along is now linked: it alone finds the referral.
    second = await convert(client, bearer, customer_id="cus-9", sale_amount=100)
    assert second.status_code == 201, second.text
    assert second.json()["data"]["referral_id"] == click.transaction_id
    # A click id also works as referral_id.
    api_click = await new_click(client, bearer, world)
    third = await convert(client, bearer, referral_id=api_click, sale_amount=5)
    assert third.status_code == 201, third.text
    assert third.json()["data"]["referral_id"] == api_click
    assert await count(db, Referral) == 2


async def test_bad_input_writes_nothing(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    await add_incentive(client, bearer, world)
    referral = await new_referral(client, bearer, world)
    click_id = await new_click(client, bearer, world)
    rid = referral["id"]
    cases = [
        ({"sale_amount": 10}, 400, "VALIDATION_ERROR", "referral_id"),
        ({"referral_id": rid, "sale_amount": 0}, 400, "VALIDATION_ERROR", "sale_amount"),
        ({"referral_id": rid, "sale_amount": -5}, 400, "VALIDATION_ERROR", "sale_amount"),
        ({"referral_id": rid, "sale_amount": "abc"}, 400, "VALIDATION_ERROR", "sale_amount"),
        ({"referral_id": rid}, 400, "VALIDATION_ERROR", "sale_amount"),
        (
            {"referral_id": rid, "sale_amount": 5, "interval": "monthly"},
            400,
            "VALIDATION_ERROR",
            "interval",
        ),
        (
            {"referral_id": rid, "sale_amount": 5, "interval": "weekly", "is_subscription": True},
            400,
            "VALIDATION_ERROR",
            "interval",
        ),
        (
            {"referral_id": rid, "sale_amount": 5, "sale_amount_currency": "XYZ"},
            400,
            "VALIDATION_ERROR",
            "sale_amount_currency",
        ),
        (
            {"referral_id": rid, "sale_amount": 5, "sale_amount_currency": "EUR"},
            400,
            "VALIDATION_ERROR",
            "sale_amount_currency",
        ),
        (
            {"referral_id": rid, "sale_amount": 5, "status": "approved"},
            400,
            "VALIDATION_ERROR",
            "status",
        ),
        (
            {"referral_id": rid, "sale_amount": 5, "created_at": "yesterday"},
            400,
            "VALIDATION_ERROR",
            "created_at",
        ),
        ({"referral_id": "nope", "sale_amount": 5}, 404, "NOT_FOUND", "referral_id"),
        ({"customer_id": "ghost", "sale_amount": 5}, 404, "NOT_FOUND", "customer_id"),
        ({"click_id": "0" * 32, "sale_amount": 5}, 404, "NOT_FOUND", "click_id"),
        # An unknown currency is refused before an unlinked click becomes a referral.
        (
            {"click_id": click_id, "sale_amount": 5, "sale_amount_currency": "ABC"},
            400,
            "VALIDATION_ERROR",
            "sale_amount_currency",
        ),
    ]
    for body, status, code, field in cases:
        response = await convert(client, bearer, **body)
        assert response.status_code == status, (body, response.text)
        assert response.json() == {
            "success": False,
            "error": {"code": code, "message": response.json()["error"]["message"], "field": field},
        }, body
    assert await count(db, Conversion) == 0
    assert await count(db, Commission) == 0
    assert await count(db, Referral) == 1


async def test_malformed_json_is_a_400(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World
) -> None:
    response = await client.post(
        "/v1/conversions",
        content=b"{not json",
        headers={**bearer, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VALIDATION_ERROR"


async def test_currency_conversion_keeps_the_original(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    await add_incentive(client, bearer, world, amount=10)
    for day, rate in (("2026-01-01", "1.10"), ("2026-02-01", "1.20"), ("2026-03-01", "1.30")):
        r = await client.post(
            "/v1/exchange-rates",
            json={"currency": "EUR", "rate": rate, "date": day},
            headers=bearer,
        )
        assert r.status_code == 200, r.text
    referral = await new_referral(client, bearer, world)
    response = await convert(
        client,
        bearer,
        referral_id=referral["id"],
        sale_amount=100,
        sale_amount_currency="eur",
        created_at="2026-02-15T12:00:00Z",
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["sale_amount"] == 120
    assert data["sale_amount_currency"] == "USD"
    assert data["commission_amount"] == 12
    assert data["original_sale_amount"] == 100
    assert data["original_sale_amount_currency"] == "EUR"
    assert data["exchange_rate"] == 1.2
    async with db.read() as session:
        commission = await session.get(Commission, data["id"])
    assert commission is not None
    assert commission.exchange_rate == Decimal("1.2")
    assert str(commission.exchange_rate_date) == "2026-02-01"
    # Before the first rate there is no rate: refused, never guessed.
    early = await convert(
        client,
        bearer,
        referral_id=referral["id"],
        sale_amount=100,
        sale_amount_currency="EUR",
        created_at="2025-12-31T23:00:00Z",
    )
    assert early.status_code == 400
    assert early.json()["error"]["field"] == "sale_amount_currency"


async def test_no_incentive_still_records_the_transaction(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    referral = await new_referral(client, bearer, world)
    response = await convert(client, bearer, referral_id=referral["id"], sale_amount=40)
    assert response.status_code == 201
    data = response.json()["data"]
    assert data["commission_amount"] == 0
    assert data["matched_incentive_id"] is None
    assert data["earning_id"] is None
    async with db.read() as session:
        conversion = await session.get(Conversion, data["id"])
    assert conversion is not None
    assert conversion.payout == 0


async def test_hold_period_and_manual_approval_and_override(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    await add_incentive(client, bearer, world, amount=20, hold_period_days=30)
    referral = await new_referral(client, bearer, world)
    held = await convert(client, bearer, referral_id=referral["id"], sale_amount=10)
    data = held.json()["data"]
    assert (data["status"], data["hold_period_days"]) == ("pending", 30)
    async with db.read() as session:
        commission = await session.get(Commission, data["id"])
        conversion = await session.get(Conversion, data["id"])
    assert commission is not None
    assert conversion is not None
    assert commission.hold_until == commission.created_at + timedelta(days=30)
    assert conversion.status == "pending"

    override = await convert(
        client,
        bearer,
        referral_id=referral["id"],
        sale_amount=10,
        status="paid",
        sales_status="complete",
    )
    assert override.json()["data"]["status"] == "paid"
    declined = await convert(
        client, bearer, referral_id=referral["id"], sale_amount=10, status="declined"
    )
    async with db.read() as session:
        rejected = await session.get(Conversion, declined.json()["data"]["id"])
    assert rejected is not None
    assert rejected.status == "rejected"


async def test_manual_approval(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World
) -> None:
    await add_incentive(client, bearer, world, approval_type="manual", hold_period_days=7)
    referral = await new_referral(client, bearer, world)
    response = await convert(client, bearer, referral_id=referral["id"], sale_amount=10)
    assert response.json()["data"]["status"] == "pending_manual_approval"


async def test_subscription_referral_becomes_active(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    referral = await new_referral(client, bearer, world)
    response = await convert(
        client,
        bearer,
        referral_id=referral["id"],
        sale_amount=10,
        is_subscription=True,
        interval="monthly",
    )
    assert response.status_code == 201
    async with db.read() as session:
        ref = await session.get(Referral, referral["id"])
    assert ref is not None
    assert ref.status == "active"
