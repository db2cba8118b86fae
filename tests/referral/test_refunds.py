"""POST /v1/conversions/{id}/refund: full or partial, proportional, idempotent."""

from __future__ import annotations

from decimal import Decimal

import httpx

from clicktrail.db import Database
from clicktrail.models import Commission, CommissionRefund, Conversion
from tests.referral.conftest import World, add_incentive, convert, count, new_referral


async def _sale(client: httpx.AsyncClient, bearer: dict[str, str], world: World) -> str:
    await add_incentive(client, bearer, world, amount=30)
    referral = await new_referral(client, bearer, world)
    response = await convert(client, bearer, referral_id=referral["id"], sale_amount=99)
    assert response.status_code == 201
    conversion_id: str = response.json()["data"]["id"]
    return conversion_id


async def test_partial_then_full_refund(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    cid = await _sale(client, bearer, world)
    partial = await client.post(
        f"/v1/conversions/{cid}/refund",
        json={
            "amount": 49.5,
            "currency": "USD",
            "reason": "downgrade",
            "external_event_id": "rf-1",
        },
        headers=bearer,
    )
    assert partial.status_code == 200, partial.text
    data = partial.json()["data"]
    assert (data["sale_amount"], data["commission_amount"]) == (49.5, 14.85)
    assert (data["status"], data["sales_status"]) == ("ready_for_payment", "partial_refunded")
    assert data["refunded_amount"] == 49.5
    async with db.read() as session:
        conversion = await session.get(Conversion, cid)
    assert conversion is not None
    assert (conversion.payout, conversion.sale_amount) == (Decimal("14.85"), Decimal("49.5"))
    assert conversion.status == "approved"

    replay = await client.post(
        f"/v1/conversions/{cid}/refund",
        json={"amount": 49.5, "external_event_id": "rf-1"},
        headers=bearer,
    )
    assert replay.status_code == 200
    assert replay.json()["data"]["sale_amount"] == 49.5
    assert replay.json()["data"]["replayed"] is True
    assert await count(db, CommissionRefund) == 1

    too_much = await client.post(
        f"/v1/conversions/{cid}/refund", json={"amount": 60}, headers=bearer
    )
    assert too_much.status_code == 400
    assert too_much.json()["error"]["field"] == "amount"

    full = await client.post(
        f"/v1/conversions/{cid}/refund", json={"external_event_id": "rf-2"}, headers=bearer
    )
    data = full.json()["data"]
    assert (data["sale_amount"], data["commission_amount"]) == (0, 0)
    assert (data["status"], data["sales_status"]) == ("refunded", "refunded")
    async with db.read() as session:
        conversion = await session.get(Conversion, cid)
        commission = await session.get(Commission, cid)
    assert conversion is not None
    assert commission is not None
    assert conversion.status == "rejected"
    assert conversion.payout == 0
    assert commission.refunded_sale_amount == Decimal("99")
    again = await client.post(f"/v1/conversions/{cid}/refund", json={}, headers=bearer)
    assert again.status_code == 400


async def test_refund_errors(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    cid = await _sale(client, bearer, world)
    missing = await client.post(f"/v1/conversions/{'0' * 32}/refund", json={}, headers=bearer)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "NOT_FOUND"
    for body, field in (
        ({"amount": 0}, "amount"),
        ({"amount": "x"}, "amount"),
        ({"amount": 5, "currency": "JPY"}, "currency"),
    ):
        response = await client.post(f"/v1/conversions/{cid}/refund", json=body, headers=bearer)
        assert response.status_code == 400, body
        assert response.json()["error"]["field"] == field
    assert await count(db, CommissionRefund) == 0
    async with db.read() as session:
        commission = await session.get(Commission, cid)
    assert commission is not None
    assert commission.sale_amount == Decimal("99")
