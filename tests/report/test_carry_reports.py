"""Conversions at the money bound past 2**63 micro-units in one rollup row (ADR 0078): every
later conversion is still recorded, and every report, before and after compaction, answers
the exact sums on both engines."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import select, text

from clicktrail.db import Database
from clicktrail.kit.money import MONEY_MAX
from clicktrail.models import Conversion, Offer
from clicktrail.models.rollup import CARRY, TABLES
from clicktrail.report import rollup
from clicktrail.report.carry import MODULUS
from clicktrail.report.compaction import compact_coarse, compact_day, day_complete_before
from tests.fixtures.factories import make_affiliate, make_click, make_key, make_offer

TABLE = "/v1/networks/reporting/entity/table"
SUMMARY = "/v1/networks/reporting/entity/summary"
EXPORT = "/v1/networks/reporting/entity/table/export"
#: Conversions at the bound added straight through the rollup contract: with the few sent
#: as postbacks, more micro-units than a BIGINT holds (2**63 = 9.22 * 10**18).
BULK = 9_300
assert (BULK * MONEY_MAX) * 10**6 > 2**63


async def _offer(db: Database) -> Offer:
    """Payout and revenue are the sale amount (100 %), so all three sums grow alike."""
    return await make_offer(
        db,
        payout_revenue=[
            {
                "event_id": 0,
                "entry_name": "Sale",
                "payout_type": "cps",
                "payout_percentage": Decimal("100"),
                "revenue_type": "rps",
                "revenue_percentage": Decimal("100"),
                "is_default": True,
            }
        ],
    )


def _rows(conversion: Conversion, count: int, status: str) -> list[dict[str, Any]]:
    """``count`` conversion rows like ``conversion`` (same hour and keys) at the bound."""
    row = {column: getattr(conversion, column) for column in rollup.ROW_COLUMNS}
    row.update(status=status, payout=MONEY_MAX, revenue=MONEY_MAX, sale_amount=MONEY_MAX)
    return [row] * count


def _body(day: datetime, columns: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "from": (day - timedelta(days=40)).date().isoformat(),
        "to": (day + timedelta(days=3)).date().isoformat(),
        "timezone_id": 67,
        "currency_id": "USD",
        "columns": [{"column": c} for c in columns],
        "query": {"filters": []},
        **extra,
    }


async def _report(
    client: httpx.AsyncClient, url: str, body: dict[str, Any], headers: dict[str, str]
) -> Any:
    response = await client.post(url, json=body, headers=headers)
    assert response.status_code == 200, (body, response.text)
    # Decimals, not floats: the sums must come back to the last micro-unit.
    return json.loads(response.text, parse_float=Decimal)


async def _stored_in_form(db: Database) -> None:
    """Every rollup row keeps each money metric in [0, MODULUS)."""
    async with db.read() as session:
        for table in TABLES.values():
            outside = " OR ".join(f"{m} < 0 OR {m} >= {MODULUS}" for m in CARRY)
            found = await session.execute(
                text(f"SELECT COUNT(*) FROM {table.name} WHERE {outside}")
            )
            assert found.scalar_one() == 0, table.name


async def test_postbacks_past_a_bigint_in_one_hour_are_recorded_and_reported_exactly(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await _offer(db)
    affiliate = await make_affiliate(db, name="Big")

    async def postback(amount: str) -> None:
        click = await make_click(db, offer, affiliate, sub1="fb")
        response = await client.get(
            "/", params={"nid": "1", "transaction_id": click.transaction_id, "amount": amount}
        )
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "approved", response.text

    await postback("1000000000")
    async with db.read() as session:
        [first] = (await session.scalars(select(Conversion))).all()
    async with db.write() as session:
        # One batch past 2**63 on its own (its deltas are split before they are bound),
        # then on-hold ones in three batches onto the same row.
        await rollup.apply_conversion_rows(session, _rows(first, BULK, "approved"), +1)
        for _ in range(3):
            await rollup.apply_conversion_rows(session, _rows(first, BULK // 3, "pending"), +1)
    # The row is past 2**63 micro-units: later conversions of that hour are still recorded.
    await postback("1000000000")
    await postback("0.000001")
    await _stored_in_form(db)

    money = (BULK + 2) * MONEY_MAX + Decimal("0.000001")
    on_hold = BULK * MONEY_MAX
    day = first.created_at
    for columns in (
        ["offer"],
        ["affiliate", "date"],
        ["offer", "sub1"],
        ["country", "device_type"],
        ["hour"],
    ):
        data = await _report(client, TABLE, _body(day, columns), network_headers)
        [row] = [r for r in data["table"] if r["reporting"]["cv"]]
        for shown in (row["reporting"], data["summary"]):
            assert shown["cv"] == BULK + 3, columns
            assert shown["payout"] == money
            assert shown["revenue"] == money
            assert shown["gross_sales"] == money
            assert shown["profit"] == 0
            assert shown["on_hold_conversion_count"] == BULK
            assert shown["on_hold_potential_payout"] == on_hold
            assert shown["on_hold_potential_revenue"] == on_hold
    summary = await _report(client, SUMMARY, _body(day, ["offer"]), network_headers)
    assert summary["payout"] == money

    key = await make_key(db, "affiliate", affiliate_id=affiliate.network_affiliate_id)
    mine = await _report(
        client,
        TABLE.replace("networks", "affiliates"),
        _body(day, ["offer"]),
        {"X-Eflow-API-Key": key},
    )
    assert mine["summary"]["payout"] == money
    assert mine["summary"]["on_hold_potential_payout"] == on_hold

    export = await client.post(EXPORT, json=_body(day, ["offer"]), headers=network_headers)
    assert export.status_code == 200, export.text
    [line] = list(csv.DictReader(io.StringIO(export.text)))
    assert Decimal(line["payout"]) == money
    assert line["payout"] == "9302000000000.000001"


async def test_compacted_days_cubes_and_blocks_keep_the_exact_sums(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    """Late conversions onto a compacted day (hour, day, coarse and block rows at once),
    then compaction rebuilding that day's rows and blocks from the hours: each cube a
    report reads holds the exact sums."""
    offer = await _offer(db)
    affiliate = await make_affiliate(db, name="Late")
    day = (datetime.now(UTC) - timedelta(days=3)).replace(hour=12, minute=0, second=0)
    sample = Conversion(
        conversion_id="c" * 32,
        network_offer_id=offer.network_offer_id,
        network_affiliate_id=affiliate.network_affiliate_id,
        network_advertiser_id=offer.network_advertiser_id,
        event_id=0,
        status="approved",
        created_at=day,
        payout=MONEY_MAX,
        revenue=MONEY_MAX,
        sale_amount=MONEY_MAX,
        sub1="fb",
        country_code="US",
        device_type="PC",
    )
    tiny = {**_rows(sample, 1, "approved")[0], "payout": Decimal("0.000001")}
    async with db.write() as session:
        for half in (BULK // 2, BULK - BULK // 2):
            await rollup.apply_conversion_rows(session, _rows(sample, half, "approved"), +1)
        await rollup.apply_conversion_rows(session, [tiny], +1)
        # A change of status takes one back out again (-1) and adds it as pending (+1).
        await rollup.apply_conversion_rows(session, _rows(sample, 1, "approved"), -1)
        await rollup.apply_conversion_rows(session, _rows(sample, 1, "pending"), +1)

    payout = (BULK - 1) * MONEY_MAX + Decimal("0.000001")
    revenue = BULK * MONEY_MAX

    async def check() -> None:
        for columns in (
            ["offer"],
            ["affiliate"],
            ["country"],
            ["offer", "country"],
            ["offer", "device_type"],
            ["affiliate", "country"],
            ["sub1"],
            ["affiliate", "sub1"],
            ["offer", "sub1"],
            ["date"],
            ["week", "offer"],
        ):
            data = await _report(client, TABLE, _body(day, columns), network_headers)
            [row] = [r for r in data["table"] if r["reporting"]["cv"]]
            for shown in (row["reporting"], data["summary"]):
                assert shown["cv"] == BULK, columns
                assert shown["payout"] == payout, columns
                assert shown["revenue"] == revenue, columns
                assert shown["on_hold_potential_payout"] == MONEY_MAX, columns

    async with db.read() as session:
        mark = await day_complete_before(session)
    assert mark > day.timestamp()  # compacted already (at startup): the writes were late
    await check()  # day, coarse and block rows the late writes added to
    start = int(day.timestamp()) // 86400 * 86400
    async with db.write() as session:
        await compact_day(session, start)
        await compact_coarse(session, start)
    await _stored_in_form(db)
    await check()  # the same rows rebuilt by compaction from the hours
