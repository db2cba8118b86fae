"""Holds: a pending commission becomes ready_for_payment when its hold is over."""

from __future__ import annotations

from datetime import timedelta

import httpx

from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Commission, Conversion
from clicktrail.referral.tasks import release_due_holds
from tests.referral.conftest import World, add_incentive, convert, new_referral


async def test_release_due_holds(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    await add_incentive(client, bearer, world, amount=10, hold_period_days=30)
    referral = await new_referral(client, bearer, world)
    old = await convert(
        client,
        bearer,
        referral_id=referral["id"],
        sale_amount=10,
        created_at=(utcnow() - timedelta(days=31)).isoformat(),
    )
    new = await convert(client, bearer, referral_id=referral["id"], sale_amount=10)
    assert old.json()["data"]["status"] == new.json()["data"]["status"] == "pending"
    async with db.write() as session:
        assert await release_due_holds(session) == 1
    async with db.read() as session:
        released = await session.get(Commission, old.json()["data"]["id"])
        kept = await session.get(Commission, new.json()["data"]["id"])
        conversion = await session.get(Conversion, old.json()["data"]["id"])
    assert released is not None
    assert kept is not None
    assert conversion is not None
    assert released.status == "ready_for_payment"
    assert conversion.status == "approved"
    assert kept.status == "pending"
    async with db.write() as session:
        assert await release_due_holds(session) == 0
