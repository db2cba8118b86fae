"""``/app/conversions`` and ``/app/clicks``: raw lists with filters, details, and approving
or rejecting a conversion (CSRF, the rollups follow, who may do it)."""

from __future__ import annotations

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.models import Conversion
from clicktrail.report.schemas import ReportIn
from clicktrail.report.store import store
from tests.fixtures.web import csrf, sign_in_as
from tests.web.console.traffic import Traffic, seed


@pytest.fixture
async def traffic(web_client: httpx.AsyncClient, db: Database) -> Traffic:
    seeded = await seed(db)
    await sign_in_as(web_client, db, "manager")
    return seeded


async def _approved_count(db: Database, day: str) -> int:
    body = ReportIn.model_validate({"from": day, "to": day, "columns": [{"column": "offer"}]})
    async with db.read() as session:
        report = await store().run_report(session, body)
    return report.total[3]  # cv


async def test_the_list_filters_by_status_offer_and_transaction(
    web_client: httpx.AsyncClient, traffic: Traffic
) -> None:
    everything = await web_client.get("/app/conversions")
    assert everything.status_code == 200
    assert "2 conversions" in everything.text
    assert f"/app/conversions/{traffic.approved[0]}" in everything.text
    assert f"/app/conversions/{traffic.pending[0]}" in everything.text

    pending = await web_client.get("/app/conversions?status=pending")
    assert "1 conversion," in pending.text
    assert traffic.pending[0] in pending.text
    assert traffic.approved[0] not in pending.text

    by_offer = await web_client.get(f"/app/conversions?offer={traffic.offer_id}")
    assert traffic.approved[0] in by_offer.text
    assert traffic.pending[0] not in by_offer.text

    by_click = await web_client.get(f"/app/conversions?transaction_id={traffic.clicks[4].upper()}")
    assert "1 conversion," in by_click.text
    assert traffic.pending[0] in by_click.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=lost", "Choose one"),
        ("offer=-1", "numeric id"),
        ("from=yesterday", "YYYY-MM-DD"),
        ("from=2020-01-01&to=2026-01-01", "at most 366 days"),
    ],
)
async def test_bad_filters_are_a_400(
    web_client: httpx.AsyncClient, traffic: Traffic, query: str, message: str
) -> None:
    response = await web_client.get(f"/app/conversions?{query}")
    assert response.status_code == 400
    assert message in response.text


async def test_the_detail_shows_the_conversion_and_its_click(
    web_client: httpx.AsyncClient, traffic: Traffic
) -> None:
    response = await web_client.get(f"/app/conversions/{traffic.approved[0]}")
    assert response.status_code == 200
    assert 'id="conversion-status">approved<' in response.text
    assert "8.00 USD" in response.text
    assert f'href="/app/clicks/{traffic.clicks[0]}"' in response.text
    assert ">Shoes</a>" in response.text
    missing = await web_client.get("/app/conversions/" + "0" * 32)
    assert missing.status_code == 404
    assert (await web_client.get("/app/conversions/not-an-id")).status_code == 404


async def test_approve_and_reject_change_the_row_and_the_reports(
    web_client: httpx.AsyncClient, db: Database, traffic: Traffic
) -> None:
    day = traffic.now.date().isoformat()
    assert await _approved_count(db, day) == 1
    path = f"/app/conversions/{traffic.pending[0]}"
    token = await csrf(web_client, path)
    response = await web_client.post(
        f"{path}/status", data={"status": "approved", "csrf_token": token}
    )
    assert response.status_code == 303
    assert response.headers["location"] == path
    after = await web_client.get(path)
    assert "Conversion approved." in after.text
    assert 'id="conversion-status">approved<' in after.text
    async with db.read() as session:
        row = await session.get(Conversion, traffic.pending[0])
        assert row is not None
        assert row.status == "approved"
    assert await _approved_count(db, day) == 2

    response = await web_client.post(
        f"{path}/status", data={"status": "rejected", "csrf_token": token}
    )
    assert response.status_code == 303
    async with db.read() as session:
        row = await session.get(Conversion, traffic.pending[0])
        assert row is not None
        assert row.status == "rejected"
        assert row.error_code == 9
    assert await _approved_count(db, day) == 1


async def test_a_status_change_needs_csrf_and_a_known_status(
    web_client: httpx.AsyncClient, db: Database, traffic: Traffic
) -> None:
    path = f"/app/conversions/{traffic.pending[0]}"
    refused = await web_client.post(f"{path}/status", data={"status": "approved"})
    assert refused.status_code == 403
    token = await csrf(web_client, path)
    bad = await web_client.post(f"{path}/status", data={"status": "paid", "csrf_token": token})
    assert bad.status_code == 400
    assert "Choose approve or reject." in bad.text
    unknown = await web_client.post(
        "/app/conversions/" + "0" * 32 + "/status", data={"status": "approved", "csrf_token": token}
    )
    assert unknown.status_code == 404
    async with db.read() as session:
        row = await session.get(Conversion, traffic.pending[0])
        assert row is not None
        assert row.status == "pending"


async def test_clicks_list_filters_and_detail(
    web_client: httpx.AsyncClient, traffic: Traffic
) -> None:
    response = await web_client.get("/app/clicks")
    assert response.status_code == 200
    assert all(f"/app/clicks/{tid}" in response.text for tid in traffic.clicks)

    hats = await web_client.get(f"/app/clicks?offer={traffic.other_offer_id}")
    assert hats.text.count('href="/app/clicks/') == 2
    one = await web_client.get(f"/app/clicks?transaction_id={traffic.clicks[2]}")
    assert one.text.count('href="/app/clicks/') == 1
    paged = await web_client.get("/app/clicks?page=2")
    assert "No clicks match." in paged.text

    detail = await web_client.get(f"/app/clicks/{traffic.clicks[0]}")
    assert detail.status_code == 200
    assert "Shoes" in detail.text
    assert f"transaction_id={traffic.clicks[0]}" in detail.text
    assert (await web_client.get("/app/clicks/" + "f" * 32)).status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [("from=2026-01-01&to=2026-02-01", "at most 14 days"), ("affiliate=x", "numeric id")],
)
async def test_bad_click_filters_are_a_400(
    web_client: httpx.AsyncClient, traffic: Traffic, query: str, message: str
) -> None:
    response = await web_client.get(f"/app/clicks?{query}")
    assert response.status_code == 400
    assert message in response.text


async def test_partners_may_not_open_raw_lists_nor_change_a_status(
    web_client: httpx.AsyncClient, db: Database
) -> None:
    traffic = await seed(db)
    await sign_in_as(web_client, db, "affiliate")
    for path in (
        "/app/conversions",
        f"/app/conversions/{traffic.approved[0]}",
        "/app/clicks",
        f"/app/clicks/{traffic.clicks[0]}",
    ):
        response = await web_client.get(path)
        assert response.status_code == 403, path
        assert "Shoes" not in response.text
    token = await csrf(web_client, "/partner/")
    response = await web_client.post(
        f"/app/conversions/{traffic.pending[0]}/status",
        data={"status": "approved", "csrf_token": token},
    )
    assert response.status_code == 403
    async with db.read() as session:
        row = await session.get(Conversion, traffic.pending[0])
        assert row is not None
        assert row.status == "pending"
