"""``/app/reports``: the entity report (Everflow's aggregated table) as a page, and its CSV.

Everything the form sets is in the query string (grouping, date range, timezone, filters,
the metric columns picked, the charted metric, the page), so a report can be bookmarked and
shared. The report itself is the API's: ``store().run_report`` with a ``ReportIn`` built
from the query, the same validation, the same metrics; the CSV is the API's export.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clicktrail.deps import ReadSession
from clicktrail.errors import ValidationFailed
from clicktrail.kit.timeutil import local_day, utcnow
from clicktrail.meta import timezones
from clicktrail.report import export, service
from clicktrail.report.schemas import ReportIn
from clicktrail.report.store import Report, store
from clicktrail.web.console.dashboard import network_of
from clicktrail.web.console.query import Query, pager
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.templating import render

router = APIRouter()

#: Group-by choices (the API's column names) and their labels.
GROUPS: dict[str, str] = {
    "offer": "Offer",
    "affiliate": "Affiliate",
    "advertiser": "Advertiser",
    "event_name": "Event",
    "date": "Date",
    "week": "Week",
    "month": "Month",
    "hour": "Hour of day",
    "country": "Country",
    "region": "Region",
    "device_type": "Device type",
    "platform": "Platform",
    "browser": "Browser",
    "sub1": "Sub1",
    "sub2": "Sub2",
    "sub3": "Sub3",
    "sub4": "Sub4",
    "sub5": "Sub5",
    "source_id": "Source ID",
    "city": "City",
}
MAX_GROUPS = 3
TIME_GROUPS = frozenset({"date", "week", "month", "hour"})
ENTITY_LINKS = {"offer": "/app/offers/", "affiliate": "/app/affiliates/"}

#: Metric columns the picker offers (the network realm's metrics that are not always 0).
METRICS: dict[str, str] = {
    "imp": "Impressions",
    "total_click": "Clicks",
    "unique_click": "Unique clicks",
    "duplicate_click": "Duplicate clicks",
    "invalid_click": "Invalid clicks",
    "gross_click": "Gross clicks",
    "ctr": "CTR",
    "cv": "Conversions",
    "event": "Events",
    "invalid_cv_scrub": "Invalid conversions",
    "cvr": "CVR",
    "evr": "EVR",
    "payout": "Payout",
    "revenue": "Revenue",
    "profit": "Profit",
    "margin": "Margin",
    "gross_sales": "Gross sales",
    "epc": "EPC",
    "rpc": "RPC",
    "cpa": "CPA",
    "rpa": "RPA",
    "cpm": "CPM",
    "rpm": "RPM",
    "avg_sale_value": "Avg. sale",
    "on_hold_conversion_count": "On hold",
    "on_hold_potential_payout": "On-hold payout",
    "on_hold_potential_revenue": "On-hold revenue",
}
DEFAULT_METRICS = ("total_click", "unique_click", "cv", "cvr", "payout", "revenue", "profit", "epc")
MONEY = frozenset(
    {
        "payout",
        "revenue",
        "profit",
        "gross_sales",
        "on_hold_potential_payout",
        "on_hold_potential_revenue",
    }
)
PERCENT = frozenset({"ctr", "cvr", "evr", "margin"})
PER_UNIT = frozenset({"epc", "rpc", "cpa", "rpa", "cpm", "rpm", "avg_sale_value"})
#: Filter boxes -> the API's filter resource type.
FILTERS: dict[str, str] = {
    "offer": "offer",
    "affiliate": "affiliate",
    "advertiser": "advertiser",
    "country": "country",
    "sub1": "sub1",
}
NUMERIC_FILTERS = frozenset({"offer", "affiliate", "advertiser"})
PER_PAGE = 100
#: Rows the chart of a table without a time column shows (its first ones).
CHART_ROWS = 20
MAX_DAYS = 366
TIMEZONES = [(str(t.timezone_id), t.timezone) for t in timezones.TIMEZONES]


@dataclass
class Form:
    """The report the query asks for, as the form shows it."""

    groups: list[str]
    first: date
    last: date
    timezone_id: int
    filters: dict[str, str]
    metrics: list[str]
    chart_metric: str
    page: int

    def params(self) -> list[tuple[str, str]]:
        """The query string of this report (without the page)."""
        out = [("group", g) for g in self.groups]
        out += [("from", self.first.isoformat()), ("to", self.last.isoformat())]
        out.append(("tz", str(self.timezone_id)))
        out += [(name, value) for name, value in self.filters.items() if value]
        out += [("col", m) for m in self.metrics]
        out.append(("metric", self.chart_metric))
        return out

    def body(self) -> ReportIn:
        filters: list[dict[str, Any]] = [
            {"resource_type": FILTERS[name], "filter_id_value": value}
            for name, value in self.filters.items()
            if value
        ]
        return ReportIn.model_validate(
            {
                "from": self.first.isoformat(),
                "to": self.last.isoformat(),
                "timezone_id": self.timezone_id,
                "columns": [{"column": g} for g in self.groups],
                "query": {"filters": filters},
            }
        )


def read_form(request: Request) -> tuple[Form, dict[str, str]]:
    network = network_of(request)
    query = Query(request.query_params)
    groups = query.choices("group", GROUPS, most=MAX_GROUPS) or ["offer"]
    if sum(1 for g in groups if g in TIME_GROUPS) > 1:
        query.errors["group"] = "Group by at most one of date, week, month and hour."
        groups = [g for g in groups if g not in TIME_GROUPS] or ["offer"]
    zone_ids = {str(t.timezone_id): t.timezone for t in timezones.TIMEZONES}
    timezone_id = int(query.choice("tz", zone_ids, str(network.timezone_id)))
    today = local_day(utcnow(), timezones.zone_for(timezone_id))
    first, last = query.date_range(today, days=7, most=MAX_DAYS)
    filters: dict[str, str] = {}
    for name in FILTERS:
        if name in NUMERIC_FILTERS:
            ident = query.ident(name)
            filters[name] = "" if ident is None else str(ident)
        else:
            filters[name] = query.text(name)
    has_columns = "col" in request.query_params
    metrics = query.choices("col", METRICS, most=len(METRICS)) if has_columns else []
    form = Form(
        groups=groups,
        first=first,
        last=last,
        timezone_id=timezone_id,
        filters=filters,
        metrics=metrics or list(DEFAULT_METRICS),
        chart_metric=query.choice("metric", METRICS, "total_click"),
        page=query.page(),
    )
    return form, query.errors


_FIELD_OF = {"from": "from", "to": "to", "timezone_id": "tz", "currency_id": ""}


def _error_field(exc: ValidationFailed) -> str:
    """The form field a report error belongs to (the API names its own fields)."""
    name = exc.field or ""
    if name in _FIELD_OF:
        return _FIELD_OF[name]
    if name.startswith("columns"):
        return "group"
    return ""


def _cell_text(name: str, value: Any) -> str:
    if value is None:
        return "-"
    number = Decimal(str(value))
    if name in PERCENT:
        return f"{number:,.2f}%"
    if name in PER_UNIT:
        return f"{number:,.4f}"
    if name in MONEY:
        return f"{number:,.2f}"
    return f"{number:,.0f}"


def _chart(report: Report, form: Form, rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """A line over every time bucket (0 where the table has no row) when the report is
    grouped by one time column alone; else bars of the first rows. None when there is
    nothing to draw."""
    if not rows:
        return None
    metric = form.chart_metric
    if len(form.groups) == 1 and form.groups[0] in TIME_GROUPS:
        by_id = {row["columns"][0]["id"]: float(row["reporting"][metric]) for row in rows}
        if form.groups[0] == "hour":
            labels = [f"{hour:02d}:00" for hour in range(24)]
            data = [by_id.get(str(hour), 0.0) for hour in range(24)]
        else:
            labels = [bucket.label for bucket in report.buckets]
            data = [by_id.get(bucket.id, 0.0) for bucket in report.buckets]
        kind = "line"
    else:
        chosen = rows[:CHART_ROWS]
        labels = [" · ".join(c["label"] or c["id"] for c in row["columns"]) for row in chosen]
        data = [float(row["reporting"][metric]) for row in chosen]
        kind = "bar"
    return {
        "type": kind,
        "data": {"labels": labels, "datasets": [{"label": METRICS[metric], "data": data}]},
        "options": {"scales": {"y": {"beginAtZero": True}}},
    }


def _links(row: dict[str, Any]) -> list[dict[str, str]]:
    out = []
    for cell in row["columns"]:
        base = ENTITY_LINKS.get(cell["column_type"])
        label = cell["label"] or cell["id"] or "(empty)"
        href = f"{base}{cell['id']}" if base and cell["id"] not in ("", "0") else ""
        out.append({"label": label, "href": href})
    return out


def _context(form: Form, errors: dict[str, str]) -> dict[str, Any]:
    return {
        "form": form,
        "errors": errors,
        "groups": GROUPS,
        "metrics": METRICS,
        "max_groups": MAX_GROUPS,
        "timezones": TIMEZONES,
        "export_href": "/app/reports/export.csv?" + urlencode(form.params()),
    }


@router.get("/app/reports", include_in_schema=False)
async def reports(request: Request, user: ConsoleUser, session: ReadSession) -> Response:
    form, errors = read_form(request)
    context = _context(form, errors)
    if errors:
        return render(request, "console/reports/index.html", context, status_code=400)
    try:
        report = await store().run_report(session, form.body())
    except ValidationFailed as exc:
        errors[_error_field(exc)] = exc.message
        return render(request, "console/reports/index.html", context, status_code=400)
    rows = list(service.table(report, affiliate=False))
    offset = (form.page - 1) * PER_PAGE
    page_rows = rows[offset : offset + PER_PAGE]
    total = service.metric_shape(False)(report.total)
    context.update(
        pager=pager(
            form.params(),
            form.page,
            more=len(rows) > offset + PER_PAGE,
            total=len(rows),
            per_page=PER_PAGE,
        ),
        headers=[GROUPS[g] for g in form.groups],
        rows=[
            {
                "cells": _links(row),
                "values": [_cell_text(m, row["reporting"][m]) for m in form.metrics],
            }
            for row in page_rows
        ],
        total=[_cell_text(m, total[m]) for m in form.metrics],
        row_count=len(rows),
        incomplete=report.incomplete,
        report_chart=_chart(report, form, rows),
    )
    return render(request, "console/reports/index.html", context)


@router.get("/app/reports/export.csv", include_in_schema=False)
async def export_csv(request: Request, user: ConsoleUser, session: ReadSession) -> Response:
    form, errors = read_form(request)
    if not errors:
        try:
            report = await store().run_report(session, form.body(), limit=None)
        except ValidationFailed as exc:
            errors[_error_field(exc)] = exc.message
        else:
            return export.csv_response(report, affiliate=False)
    return render(request, "console/reports/index.html", _context(form, errors), status_code=400)
