"""A conversion is priced by the custom payout/revenue setting that wins for its affiliate at
its time (ADR 0094): the row holds it and the aggregated report sums it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy import event, select

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import record_many
from clicktrail.db import Database
from clicktrail.models import Conversion, Offer
from tests.fixtures.factories import make_affiliate, make_click, make_offer
from tests.offer.test_custom_endpoints import URL, setting_body


async def test_postbacks_are_priced_by_the_winning_setting(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)  # the offer's own entry: payout 5, revenue 8
    vip, regular = await make_affiliate(db), await make_affiliate(db)
    oid, vip_id = offer.network_offer_id, vip.network_affiliate_id
    settings = [
        setting_body(oid, payout_amount=6),
        setting_body(
            oid,
            is_apply_all_affiliates=False,
            network_affiliate_ids=[vip_id],
            payout_type="cpa_cps",
            payout_amount=9,
            payout_percentage=10,
            is_custom_revenue_enabled=True,
            revenue_type="rpa",
            revenue_amount=20,
            date_valid_from="2020-01-01",
        ),
        # Expired: never prices a conversion now.
        setting_body(
            oid,
            is_apply_all_affiliates=False,
            network_affiliate_ids=[vip_id],
            payout_amount=100,
            date_valid_from="2019-01-01",
            date_valid_to="2019-12-31",
        ),
    ]
    for body in settings:
        created = await client.post(URL, json=body, headers=network_headers)
        assert created.status_code == 200, created.text
    for affiliate in (vip, regular, vip):
        click = await make_click(db, offer, affiliate)
        answer = await client.get(
            "/", params={"nid": "1", "transaction_id": click.transaction_id, "amount": "50"}
        )
        assert answer.status_code == 200, answer.text

    async with db.read() as session:
        rows = list(await session.scalars(select(Conversion).order_by(Conversion.created_at)))
    money = sorted((r.network_affiliate_id, r.payout_type, r.payout, r.revenue) for r in rows)
    assert money == sorted(
        [
            (vip_id, "cpa_cps", Decimal(14), Decimal(20)),
            (vip_id, "cpa_cps", Decimal(14), Decimal(20)),
            (regular.network_affiliate_id, "cpa", Decimal(6), Decimal(8)),
        ]
    )

    today = datetime.now(UTC).date()
    report = await client.post(
        "/v1/networks/reporting/entity/table",
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
    assert reporting["cv"] == 3
    assert reporting["payout"] == 34
    assert reporting["revenue"] == 48


async def test_a_batch_loads_custom_settings_once_per_generation_and_only_when_there_are_any(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    plain, custom = await make_offer(db), await make_offer(db)
    affiliate = await make_affiliate(db)
    created = await client.post(
        URL, json=setting_body(custom.network_offer_id, payout_amount=6), headers=network_headers
    )
    assert created.status_code == 200, created.text
    statements: list[str] = []

    def _seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        # The batch's settings query; the tracking cache, reloading in the background after
        # an API write, reads base-conversion settings (``..._revenue_id = ``) instead.
        if (
            "custom_payout_revenue.custom_setting_status" in statement
            and "custom_payout_revenue.network_offer_payout_revenue_id = " not in statement
        ):
            statements.append(statement)

    async def _batch(*offers: Offer) -> list[Decimal]:
        clicks = [await make_click(db, offer, affiliate) for offer in offers]
        drafts = [
            ConversionDraft(source="postback", transaction_id=c.transaction_id, strict=False)
            for c in clicks
        ]
        async with db.write() as session:
            done = await record_many(session, drafts, bulk=True)
        return [r.conversion.payout for r in done]

    event.listen(db.engine.sync_engine, "before_cursor_execute", _seen)
    try:
        assert await _batch(plain, plain) == [Decimal(5), Decimal(5)]
        assert statements == []
        assert await _batch(custom, plain, custom) == [Decimal(6), Decimal(5), Decimal(6)]
        assert len(statements) == 1
        # Kept while the cache generation stands; an API change moves it and is read again.
        assert await _batch(custom) == [Decimal(6)]
        assert len(statements) == 1
        setting_id = created.json()["network_custom_payout_revenue_setting_id"]
        changed = await client.put(
            f"{URL}/{setting_id}",
            json=setting_body(custom.network_offer_id, payout_amount=9),
            headers=network_headers,
        )
        assert changed.status_code == 200, changed.text
        statements.clear()  # the API's own checks read the settings too
        assert await _batch(custom) == [Decimal(9)]
        assert len(statements) == 1
    finally:
        event.remove(db.engine.sync_engine, "before_cursor_execute", _seen)
