"""A CPC click is priced by its affiliate's custom payout setting, seen by the very next click
after the API write (the setting moves the cache generation; no per-click I/O)."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.tracking import cache
from tests.fixtures.factories import make_affiliate
from tests.offer.test_custom_endpoints import URL, setting_body
from tests.tracking.helpers import cache_of, clicks, make_pair


@pytest.fixture(autouse=True)
def _no_background_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    """Reloads are counted: the cache's once-a-second backstop must not add one on a slow
    machine (set before the app starts, so its refresher waits an hour)."""
    monkeypatch.setattr(cache, "REFRESH_SECONDS", 3600.0)


CPC = [
    {
        "event_id": 0,
        "payout_type": "cpc",
        "payout_amount": Decimal("0.5"),
        "revenue_type": "rpc",
        "revenue_amount": Decimal("1"),
        "is_default": True,
    }
]


async def test_cpc_clicks_take_the_affiliates_own_price(
    app: ClicktrailApp, client: httpx.AsyncClient, network_headers: dict[str, str], db: Database
) -> None:
    pair = await make_pair(app, payout_revenue=CPC)
    other = await make_affiliate(db)
    created = await client.post(
        URL,
        json=setting_body(
            pair.oid,
            is_apply_all_affiliates=False,
            network_affiliate_ids=[pair.affid],
            payout_type="cpc",
            payout_amount=2,
            is_custom_revenue_enabled=True,
            revenue_type="rpc",
            revenue_amount=3,
        ),
        headers=network_headers,
    )
    assert created.status_code == 200, created.text
    reloads = cache_of(app).reloads
    for affiliate_id in (pair.affid, other.network_affiliate_id):
        response = await client.get(f"/c?oid={pair.oid}&affid={affiliate_id}")
        assert response.status_code == 302
    assert cache_of(app).reloads == reloads + 1  # the write was seen, once
    rows = {c.network_affiliate_id: c for c in await clicks(db)}
    mine, theirs = rows[pair.affid], rows[other.network_affiliate_id]
    assert (mine.payout_type, mine.payout, mine.revenue_type, mine.revenue) == (
        "CPC",
        Decimal(2),
        "CPC",
        Decimal(3),
    )
    assert (theirs.payout, theirs.revenue) == (Decimal("0.5"), Decimal(1))

    # A CPA setting for the affiliate: its clicks pay nothing, its conversions will.
    setting_id = created.json()["network_custom_payout_revenue_setting_id"]
    replaced = await client.put(
        f"{URL}/{setting_id}",
        json=setting_body(
            pair.oid,
            is_apply_all_affiliates=False,
            network_affiliate_ids=[pair.affid],
            payout_type="cpa",
            payout_amount=4,
        ),
        headers=network_headers,
    )
    assert replaced.status_code == 200, replaced.text
    await client.get(f"/c?oid={pair.oid}&affid={pair.affid}")
    latest = (await clicks(db))[-1]
    assert (latest.payout_type, latest.payout, latest.revenue) == ("CPA", Decimal(0), Decimal(1))
