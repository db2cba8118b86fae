"""A conversion is priced by the custom payout/revenue setting that wins for its affiliate at
its time (ADR 0094): the row holds it and the aggregated report sums it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import Conversion
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
