"""Fixtures of the referral tests: a Bearer key and a small world (an offer with a base
CPS entry, an affiliate with tracking id ``partner123``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Affiliate, AffiliateCode, Offer
from tests.fixtures.factories import make_affiliate, make_offer


@pytest.fixture
def bearer(network_key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {network_key}"}


@dataclass
class World:
    offer: Offer
    affiliate: Affiliate
    program_id: str
    tracking_id: str = "partner123"


@pytest.fixture
async def world(db: Database) -> World:
    offer = await make_offer(
        db,
        payout_revenue=[
            {
                "event_id": 0,
                "entry_name": "Sale",
                "payout_type": "cps",
                "payout_percentage": Decimal("10"),
                "revenue_type": "rps",
                "revenue_percentage": Decimal("50"),
                "is_default": True,
            }
        ],
    )
    affiliate = await make_affiliate(db)
    now = utcnow()
    async with db.write() as session:
        session.add(
            AffiliateCode(
                network_affiliate_id=affiliate.network_affiliate_id,
                tracking_id="partner123",
                affiliate_group_id=None,
                created_at=now,
                updated_at=now,
            )
        )
    return World(offer=offer, affiliate=affiliate, program_id=str(offer.network_offer_id))


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def new_click(client: httpx.AsyncClient, bearer: dict[str, str], world: World) -> str:
    response = await client.post(
        "/v1/clicks",
        json={"programId": world.program_id, "trackingId": world.tracking_id},
        headers=bearer,
    )
    assert response.status_code == 201, response.text
    click_id: str = response.json()["data"]["id"]
    return click_id


async def new_referral(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, **fields: Any
) -> dict[str, Any]:
    click_id = await new_click(client, bearer, world)
    body = {"click_id": click_id, "email": "buyer@example.com", **fields}
    response = await client.post("/v1/signups", json=body, headers=bearer)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def add_incentive(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, **fields: Any
) -> str:
    body = {"program_id": world.program_id, "amount": 30, "is_percentage": True, **fields}
    response = await client.post("/v1/incentives", json=body, headers=bearer)
    assert response.status_code == 201, response.text
    incentive_id: str = response.json()["data"]["id"]
    return incentive_id


async def convert(client: httpx.AsyncClient, bearer: dict[str, str], **body: Any) -> httpx.Response:
    return await client.post("/v1/conversions", json=body, headers=bearer)
