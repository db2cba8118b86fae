"""Referral conversions in the conversion writer's batches (ADR 0107): many at once, the
rules applied in order within a batch, totals equal to the rows, and a failing batch that
stores nothing half-way."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from clicktrail.config import Settings
from clicktrail.conversion import jobs
from clicktrail.conversion.writer import ConversionWriter
from clicktrail.conversion.writer_process import ProcessConversionWriter
from clicktrail.db import Database
from clicktrail.errors import ClicktrailError, NotFound
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import Commission, Conversion
from clicktrail.referral import repository, writing
from clicktrail.referral.affonso_schemas import ConversionIn
from clicktrail.referral.batch import record_batch
from clicktrail.referral.schemas import Outcome
from tests.referral.conftest import World, add_incentive, convert, count, new_referral

TABLE = "/v1/networks/reporting/entity/table"


async def _report(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
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


async def test_concurrent_conversions_are_all_stored_and_reported(
    client: httpx.AsyncClient,
    bearer: dict[str, str],
    network_headers: dict[str, str],
    world: World,
    db: Database,
) -> None:
    await add_incentive(client, bearer, world, amount=10, commission_cap=25)
    referrals = [(await new_referral(client, bearer, world))["id"] for _ in range(3)]
    responses = await asyncio.gather(
        *(
            convert(
                client,
                bearer,
                referral_id=referrals[n % 3],
                sale_amount=100,
                external_event_id=f"many_{n}",
            )
            for n in range(30)
        )
    )
    assert [r.status_code for r in responses] == [201] * 30, [r.text for r in responses]
    assert await count(db, Conversion) == 30
    assert await count(db, Commission) == 30
    async with db.read() as session:
        earned = dict(
            (
                await session.execute(
                    select(Commission.referral_id, func.sum(Commission.commission_amount)).group_by(
                        Commission.referral_id
                    )
                )
            ).all()
        )
        raw = (
            await session.execute(
                select(func.count(), func.sum(Conversion.payout), func.sum(Conversion.revenue))
            )
        ).one()
    # The cap holds per referral however the sales were batched: 10 + 10 + 5, then 0.
    assert earned == {r: Decimal(25) for r in referrals}
    summary = await _report(client, network_headers)
    assert (summary["cv"], Decimal(str(summary["payout"]))) == (raw[0], raw[1])
    assert Decimal(str(summary["revenue"])) == raw[2]


async def test_a_batch_applies_the_rules_in_order(
    client: httpx.AsyncClient, bearer: dict[str, str], world: World, db: Database
) -> None:
    await add_incentive(client, bearer, world, amount=10, commission_cap=15)
    referral = (await new_referral(client, bearer, world))["id"]
    bodies = [
        ConversionIn(referral_id=referral, sale_amount=Decimal(100), external_event_id="a"),
        ConversionIn(referral_id="nobody", sale_amount=Decimal(5), external_event_id="b"),
        ConversionIn(
            referral_id=referral,
            customer_id="cus_1",
            sale_amount=Decimal(100),
            external_event_id="c",
        ),
        ConversionIn(customer_id="cus_1", sale_amount=Decimal(100), external_event_id="a"),
        ConversionIn(customer_id="cus_1", sale_amount=Decimal(7), external_event_id="a"),
    ]
    async with db.write() as session:
        outcomes = await record_batch(session, bodies)
    first, missing, second, twin, other_money = outcomes
    assert isinstance(first, Outcome)
    assert isinstance(second, Outcome)
    assert (first.replayed, first.commission.commission_amount) == (False, Decimal(10))
    # The second sale sees the first: the cap leaves 5.
    assert (second.replayed, second.commission.commission_amount) == (False, Decimal(5))
    assert isinstance(missing, NotFound)
    assert missing.field == "referral_id"
    # The same event again in the batch is a replay of the first, found by the customer_id
    # the second sale linked; with other money it is a conflict.
    assert isinstance(twin, Outcome)
    assert twin.replayed
    assert twin.commission.conversion_id == first.commission.conversion_id
    assert isinstance(other_money, ClicktrailError)
    assert other_money.status_code == 409
    assert await count(db, Commission) == 2
    assert await count(db, Conversion) == 2
    async with db.read() as session:
        linked = await repository.referral_by(session, "customer_id", "cus_1")
    assert linked is not None
    assert linked.id == referral
    assert linked.status == "customer"


async def test_a_failing_batch_answers_an_error_and_stores_nothing_half_way(
    client: httpx.AsyncClient,
    bearer: dict[str, str],
    world: World,
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    referral = (await new_referral(client, bearer, world))["id"]
    real = repository.insert_commissions

    async def poisoned(session: Any, rows: Any) -> None:
        # After the conversions, their rollups and outbox rows were written.
        if any(row["external_event_id"] == "bad" for row in rows):
            raise RuntimeError("disk full")
        await real(session, rows)

    monkeypatch.setattr(repository, "insert_commissions", poisoned)
    writer = ConversionWriter(db)
    await writer.start()
    try:
        answers = await asyncio.gather(
            *(
                writer.run(
                    jobs.Job(
                        writing.KIND,
                        writing.payload(
                            ConversionIn(
                                referral_id=referral,
                                sale_amount=Decimal(20),
                                external_event_id=event,
                            )
                        ),
                    )
                )
                for event in ("ok_1", "bad", "ok_2")
            ),
            return_exceptions=True,
        )
    finally:
        await writer.stop()
    assert [a[0] for a in answers if isinstance(a, tuple)] == [201, 201]
    assert isinstance(answers[1], RuntimeError)
    async with db.read() as session:
        keys = set(await session.scalars(select(Conversion.idempotency_key)))
        events = set(await session.scalars(select(Commission.external_event_id)))
    assert keys == {"affonso:ok_1", "affonso:ok_2"}
    assert events == {"ok_1", "ok_2"}

    # Through the API: the error in Affonso's dialect, and still nothing stored for it.
    response = await convert(
        client, bearer, referral_id=referral, sale_amount=20, external_event_id="bad"
    )
    assert response.status_code == 500
    assert response.json()["success"] is False
    assert "disk full" in response.json()["error"]["message"]
    assert await count(db, Conversion) == 2
    assert await count(db, Commission) == 2


async def test_the_writer_process_loads_the_referral_handler(settings: Settings) -> None:
    writer = ProcessConversionWriter(settings)
    config = writer._child.config
    assert isinstance(config, dict)
    assert "clicktrail.referral.writing" in config[jobs.CONFIG_KEY]
