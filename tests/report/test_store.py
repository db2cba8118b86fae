"""The ReportStore seam: the default store over the rollups, and callers going through
whichever store the process uses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from clicktrail.db import Database
from clicktrail.kit.ids import new_hex_id
from clicktrail.models import Click
from clicktrail.report import store as report_store
from clicktrail.report.schemas import ReportIn
from clicktrail.report.service import metric_shape
from clicktrail.report.store import MAX_ROWS, Report, ReportStore, RollupStore, store
from tests.report.data import pending_conversion

TABLE = "/v1/networks/reporting/entity/table"


def _body(day: datetime) -> dict[str, Any]:
    return {
        "from": (day - timedelta(days=1)).date().isoformat(),
        "to": (day + timedelta(days=1)).date().isoformat(),
        "timezone_id": 67,
        "columns": [{"column": "sub1"}],
    }


def _click(at: datetime, sub1: str) -> dict[str, Any]:
    return {
        "transaction_id": new_hex_id(),
        "created_at": at,
        "network_offer_id": 1,
        "network_affiliate_id": 1,
        "network_advertiser_id": 1,
        "is_unique": True,
        "error_code": 0,
        "country_code": "US",
        "sub1": sub1,
    }


async def test_rollup_store_records_clicks_and_conversions_and_reports_them(
    db: Database,
) -> None:
    rollups = RollupStore()
    at = datetime.now(UTC) - timedelta(days=2)
    clicks = [_click(at, "fb"), _click(at, "fb"), _click(at, "gg")]
    conversion = pending_conversion(at, sub1="fb")
    async with db.write() as session:
        session.add_all([Click(**row) for row in clicks])
        await session.flush()
        await rollups.record_clicks(session, clicks)
        session.add(conversion)
        await session.flush()
        await rollups.record_conversions(session, [conversion], +1)
    async with db.write() as session:
        # A status change: -1 before, +1 after, as the conversion service does it.
        await rollups.record_conversion_rows(session, [_row(conversion)], -1)
        conversion.status = "rejected"
        await rollups.record_conversion_rows(session, [_row(conversion)], +1)
    async with db.read() as session:
        report = await rollups.run_report(session, ReportIn.model_validate(_body(at)))
    sums = {key[1]: values for key, values in report.rows}
    shape = metric_shape(affiliate=False)
    fb = shape(sums["fb"])
    assert fb["total_click"] == 2
    assert fb["on_hold_conversion_count"] == 0
    assert fb["invalid_cv_scrub"] == 1
    assert shape(sums["gg"])["total_click"] == 1


def _row(conversion: Any) -> dict[str, Any]:
    return {c.name: getattr(conversion, c.key) for c in conversion.__table__.columns}


class CountingStore(RollupStore):
    """The rollups, counting the report queries that reach them."""

    def __init__(self) -> None:
        self.reports: list[int | None] = []

    async def run_report(
        self,
        session: Any,
        body: ReportIn,
        *,
        affiliate_id: int | None = None,
        limit: int | None = MAX_ROWS,
    ) -> Report:
        self.reports.append(limit)
        return await super().run_report(session, body, affiliate_id=affiliate_id, limit=limit)


@pytest.fixture
def counting() -> Iterator[CountingStore]:
    replacement = CountingStore()
    previous = report_store.use(replacement)
    try:
        yield replacement
    finally:
        report_store.use(previous)


async def test_the_report_endpoints_query_through_the_process_store(
    counting: CountingStore, client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    at = datetime.now(UTC)
    response = await client.post(TABLE, json=_body(at), headers=network_headers)
    assert response.status_code == 200, response.text
    export = await client.post(f"{TABLE}/export", json=_body(at), headers=network_headers)
    assert export.status_code == 200, export.text
    assert counting.reports == [MAX_ROWS, None]


def test_use_swaps_the_store_and_gives_back_the_previous_one() -> None:
    default = store()
    assert isinstance(default, RollupStore)
    replacement: ReportStore = CountingStore()
    assert report_store.use(replacement) is default
    try:
        assert store() is replacement
    finally:
        assert report_store.use(default) is replacement
    assert store() is default
