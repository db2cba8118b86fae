"""``/partner/reports`` (the affiliate's entity report) and ``/partner/conversions``.

Both run the affiliate realm's own services with the signed-in user's affiliate: the
entity report through the ReportStore with ``affiliate_id`` (the affiliate's metrics,
no revenue key at all) and the conversion report with ``affiliate_id`` and the affiliate
API's row shape (``conversion_out(..., affiliate=True)``), so a page shows exactly what
the affiliate API would answer that affiliate.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from clicktrail.conversion import report as conversion_report
from clicktrail.conversion.schemas import ConversionReportIn
from clicktrail.conversion.wire import conversion_out
from clicktrail.deps import ReadSession
from clicktrail.errors import ValidationFailed
from clicktrail.report import service as report_service
from clicktrail.report.schemas import ReportIn
from clicktrail.report.store import store
from clicktrail.web.guard import PartnerUser
from clicktrail.web.partner.context import network_clock
from clicktrail.web.partner.params import Params, pager
from clicktrail.web.templating import render

router = APIRouter()

#: What the report may be grouped by (the affiliate realm's columns).
GROUPS = (
    "offer",
    "date",
    "week",
    "month",
    "hour",
    "sub1",
    "sub2",
    "sub3",
    "sub4",
    "sub5",
    "source_id",
    "country",
    "device_type",
    "platform",
    "browser",
)
#: Rows a report page lists (the totals cover every row).
REPORT_ROWS = 500
STATUSES = ("", "approved", "pending", "rejected", "invalid")


def _report_body(start: date, end: date, group: str, offer_id: int, tz: int) -> ReportIn:
    filters = [{"resource_type": "offer", "filter_id_value": offer_id}] if offer_id else []
    return ReportIn.model_validate(
        {
            "from": start.isoformat(),
            "to": end.isoformat(),
            "timezone_id": tz,
            "columns": [{"column": group}],
            "query": {"filters": filters},
        }
    )


@router.get("/partner/reports", response_class=HTMLResponse)
async def entity_report(request: Request, session: ReadSession, user: PartnerUser) -> HTMLResponse:
    params = Params()
    query = request.query_params
    clock = network_clock(request)
    start, end = params.date_range(query.get("from"), query.get("to"), clock.today)
    group = params.choice("group", query.get("group"), GROUPS, "offer")
    offer_id = params.integer("offer", query.get("offer"), default=0, low=0, high=2**31 - 1)
    context: dict[str, Any] = {
        "start": start,
        "end": end,
        "group": group,
        "groups": GROUPS,
        "offer_id": offer_id,
        "rows": [],
        "summary": None,
        "incomplete": False,
    }
    if not params.errors:
        body = _report_body(start, end, group, offer_id, clock.timezone_id)
        try:
            report = await store().run_report(
                session, body, affiliate_id=user.affiliate_id, limit=REPORT_ROWS
            )
        except ValidationFailed as exc:
            params.errors[exc.field or "group"] = exc.message
        else:
            context["rows"] = list(report_service.table(report, affiliate=True))
            context["summary"] = report_service.metric_shape(True)(report.total)
            context["incomplete"] = report.incomplete
    context["errors"] = params.errors
    return render(
        request, "partner/reports.html", context, status_code=400 if params.errors else 200
    )


@router.get("/partner/conversions", response_class=HTMLResponse)
async def conversions(request: Request, session: ReadSession, user: PartnerUser) -> HTMLResponse:
    params = Params()
    query = request.query_params
    clock = network_clock(request)
    start, end = params.date_range(query.get("from"), query.get("to"), clock.today)
    status = params.choice("status", query.get("status"), STATUSES, "")
    offer_id = params.integer("offer", query.get("offer"), default=0, low=0, high=2**31 - 1)
    sub1 = params.text("sub1", query.get("sub1"))
    page = params.page(query.get("page"))
    context: dict[str, Any] = {
        "start": start,
        "end": end,
        "status": status,
        "statuses": STATUSES,
        "offer_id": offer_id,
        "sub1": sub1,
        "page": page,
        "rows": [],
        "total": 0,
        "pager": None,
    }
    if not params.errors:
        filters: list[dict[str, str]] = []
        if status:
            filters.append({"resource_type": "status", "filter_id_value": status})
        if offer_id:
            filters.append({"resource_type": "offer", "filter_id_value": str(offer_id)})
        if sub1:
            filters.append({"resource_type": "sub1", "filter_id_value": sub1})
        body = ConversionReportIn.model_validate(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "timezone_id": clock.timezone_id,
                "query": {"filters": filters},
            }
        )
        result = await conversion_report.run(session, body, page, affiliate_id=user.affiliate_id)
        context["rows"] = [
            (c.created_at, conversion_out(c, result, affiliate=True)) for c in result.rows
        ]
        context["total"] = result.total
        context["pager"] = pager(query, page, result.total)
    context["errors"] = params.errors
    return render(
        request, "partner/conversions.html", context, status_code=400 if params.errors else 200
    )
