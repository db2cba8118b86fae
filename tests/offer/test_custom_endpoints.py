"""``/v1/networks/custom/payoutrevenue``: Everflow's custom payout/revenue settings, CRUD and
the 400s that name the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import AuditEntry, CustomPayoutRevenue
from tests.fixtures.factories import make_affiliate, make_offer

URL = "/v1/networks/custom/payoutrevenue"


def setting_body(offer_id: int, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "network_offer_id": offer_id,
        "network_offer_payout_revenue_id": 0,
        "name": "VIP Partner Rate",
        "custom_setting_status": "active",
        "is_apply_all_affiliates": True,
        "is_custom_payout_enabled": True,
        "payout_type": "cpa",
        "payout_amount": 7.5,
        "payout_percentage": 0,
        "is_custom_revenue_enabled": False,
        "revenue_type": "blank",
        "revenue_amount": 0,
        "revenue_percentage": 0,
    }
    body.update(fields)
    return body


async def test_create_read_list_replace_delete(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    body = setting_body(
        offer.network_offer_id,
        is_apply_all_affiliates=False,
        network_affiliate_ids=[affiliate.network_affiliate_id],
        date_valid_from="2026-01-01",
        date_valid_to="2026-06-30",
    )
    created = await client.post(URL, json=body, headers=network_headers)
    assert created.status_code == 200, created.text
    setting = created.json()
    setting_id = setting["network_custom_payout_revenue_setting_id"]
    assert setting["network_affiliate_ids"] == [affiliate.network_affiliate_id]
    assert setting["payout_amount"] == 7.5
    assert setting["revenue_type"] == "blank"
    assert setting["date_valid_from"] == "2026-01-01 00:00:00"
    assert setting["date_valid_to"] == "2026-06-30 23:59:59"
    assert setting["currency_id"] == "USD"
    assert setting["time_created"] > 0

    fetched = await client.get(f"{URL}/{setting_id}", headers=network_headers)
    assert fetched.json() == setting
    other = await make_offer(db)
    await client.post(URL, json=setting_body(other.network_offer_id), headers=network_headers)
    listed = await client.get(
        URL,
        params={"filter": f"network_offer_id={offer.network_offer_id}"},
        headers=network_headers,
    )
    assert listed.status_code == 200, listed.text
    assert [
        s["network_custom_payout_revenue_setting_id"]
        for s in listed.json()["custom_payout_revenue_settings"]
    ] == [setting_id]
    everything = await client.get(URL, headers=network_headers)
    assert everything.json()["paging"]["total_count"] == 2

    replaced = await client.put(
        f"{URL}/{setting_id}",
        json=setting_body(
            offer.network_offer_id,
            is_custom_revenue_enabled=True,
            revenue_type="rpa",
            revenue_amount=12,
        ),
        headers=network_headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["is_apply_all_affiliates"] is True
    assert replaced.json()["network_affiliate_ids"] is None
    assert replaced.json()["date_valid_from"] == ""
    async with db.read() as session:
        row = await session.get(CustomPayoutRevenue, setting_id)
        assert row is not None
        assert row.revenue_amount == Decimal(12)
        audited = await session.scalars(
            select(AuditEntry.operation).where(AuditEntry.entity_type == "custom_payout_revenue")
        )
        assert "create" in list(audited)

    deleted = await client.delete(f"{URL}/{setting_id}", headers=network_headers)
    assert deleted.json() == {"result": True}
    gone = await client.get(f"{URL}/{setting_id}", headers=network_headers)
    assert gone.status_code == 404
    assert "not found" in gone.json()["Error"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"network_offer_id": 999_999}, "network_offer_id"),
        ({"network_offer_payout_revenue_id": 999_999}, "network_offer_payout_revenue_id"),
        (
            {"is_apply_all_affiliates": False, "network_affiliate_ids": [999_999]},
            "network_affiliate_ids",
        ),
        ({"is_apply_all_affiliates": False}, "network_affiliate_ids"),
        ({"payout_amount": -1}, "payout_amount"),
        ({"payout_type": "cpz"}, "payout_type"),
        ({"payout_type": "blank"}, "payout_type"),
        ({"is_custom_payout_enabled": False}, "is_custom_payout_enabled"),
        ({"date_valid_from": "yesterday"}, "date_valid_from"),
        ({"date_valid_from": "2026-02-01", "date_valid_to": "2026-01-01"}, "date_valid_to"),
    ],
)
async def test_bad_input_is_400_naming_the_field(
    db: Database,
    client: httpx.AsyncClient,
    network_headers: dict[str, str],
    fields: dict[str, Any],
    field: str,
) -> None:
    offer = await make_offer(db)
    response = await client.post(
        URL, json=setting_body(offer.network_offer_id, **fields), headers=network_headers
    )
    assert response.status_code == 400, response.text
    body = response.json()
    assert field in body["Error"], body
    async with db.read() as session:
        assert list(await session.scalars(select(CustomPayoutRevenue))) == []


async def test_overlapping_dates_for_the_same_scope_are_refused(
    db: Database, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    offer = await make_offer(db)
    one, two = await make_affiliate(db), await make_affiliate(db)
    oid, a1, a2 = offer.network_offer_id, one.network_affiliate_id, two.network_affiliate_id

    async def post(**fields: Any) -> httpx.Response:
        return await client.post(URL, json=setting_body(oid, **fields), headers=network_headers)

    mine = {"is_apply_all_affiliates": False}
    first = await post(**mine, network_affiliate_ids=[a1, a2], date_valid_to="2026-03-31")
    assert first.status_code == 200, first.text
    clash = await post(**mine, network_affiliate_ids=[a2], date_valid_from="2026-03-31")
    assert clash.status_code == 400
    assert clash.json()["Error"].startswith("date_valid_from: overlaps setting")
    # Later dates, the all-affiliates scope and an inactive setting do not clash.
    later = await post(**mine, network_affiliate_ids=[a2], date_valid_from="2026-04-01")
    assert later.status_code == 200, later.text
    assert (await post()).status_code == 200
    assert (await post()).status_code == 400
    assert (await post(custom_setting_status="inactive")).status_code == 200
