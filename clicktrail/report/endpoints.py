"""Everflow-compatible aggregated reports (Reporting > Aggregated Data).

* ``POST /v1/networks/reporting/entity/table``: ``{"table": [{columns, reporting}],
  "summary": {...}, "incomplete_results": bool}`` (table capped at 10,000 rows).
* ``POST /v1/networks/reporting/entity/summary``: the summary object alone.
* ``POST /v1/networks/reporting/entity/table/export``: every row as CSV, streamed.
* ``/v1/affiliates/reporting/entity/...``: the same for an affiliate key, over its own data
  only, with the affiliate's metrics (never the network's revenue, profit or margin).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import orjson
from fastapi import APIRouter
from fastapi.responses import Response, StreamingResponse

from clicktrail.deps import AffiliateCaller, NetworkCaller, ReadSession
from clicktrail.report import export, service
from clicktrail.report.schemas import ReportIn
from clicktrail.report.store import store

router = APIRouter(tags=["reporting"])


def _exact(value: Any) -> orjson.Fragment:
    """A Decimal (a money sum a float cannot give exactly, ADR 0078) as its JSON number."""
    if isinstance(value, Decimal):
        return orjson.Fragment(str(value).encode())
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _json(content: Any) -> Response:
    return Response(orjson.dumps(content, default=_exact), media_type="application/json")


def _body(report: service.Report, affiliate: bool) -> dict[str, Any]:
    shape = service.metric_shape(affiliate)
    return {
        "table": list(service.table(report, affiliate)),
        "summary": shape(report.total),
        "incomplete_results": report.incomplete,
    }


@router.post("/v1/networks/reporting/entity/table")
async def network_table(body: ReportIn, session: ReadSession, _: NetworkCaller) -> Response:
    report = await store().run_report(session, body)
    return _json(_body(report, affiliate=False))


@router.post("/v1/networks/reporting/entity/summary")
async def network_summary(body: ReportIn, session: ReadSession, _: NetworkCaller) -> Response:
    report = await store().run_report(session, body)
    return _json(service.metric_shape(False)(report.total))


@router.post("/v1/networks/reporting/entity/table/export")
async def network_export(
    body: ReportIn, session: ReadSession, _: NetworkCaller
) -> StreamingResponse:
    report = await store().run_report(session, body, limit=None)
    return export.csv_response(report, affiliate=False)


@router.post("/v1/affiliates/reporting/entity/table")
async def affiliate_table(
    body: ReportIn, session: ReadSession, caller: AffiliateCaller
) -> Response:
    report = await store().run_report(session, body, affiliate_id=caller.affiliate_id)
    return _json(_body(report, affiliate=True))


@router.post("/v1/affiliates/reporting/entity/summary")
async def affiliate_summary(
    body: ReportIn, session: ReadSession, caller: AffiliateCaller
) -> Response:
    report = await store().run_report(session, body, affiliate_id=caller.affiliate_id)
    return _json(service.metric_shape(True)(report.total))


@router.post("/v1/affiliates/reporting/entity/table/export")
async def affiliate_export(
    body: ReportIn, session: ReadSession, caller: AffiliateCaller
) -> StreamingResponse:
    report = await store().run_report(session, body, affiliate_id=caller.affiliate_id, limit=None)
    return export.csv_response(report, affiliate=True)
