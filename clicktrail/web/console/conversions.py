"""``/app/conversions``: raw conversions with filters, one conversion's detail, and approving
or rejecting it.

The detail shows the conversion's history and a form that changes its status and amounts
with a note (``conversion.adjust``, as the API's update calls do).

The list is the API's raw conversion report (``conversion.report.run``: the same window
rules, filters and paging); approve and reject call ``conversion.service.change_status``,
as ``PATCH /v1/networks/reporting/conversions`` does, so the rollups and the postback
outbox follow the change in the same transaction.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import adjust, report, repository, service
from clicktrail.conversion.schemas import ConversionReportIn
from clicktrail.conversion.wire import conversion_out
from clicktrail.deps import ReadSession, WriteSession
from clicktrail.errors import ClicktrailError
from clicktrail.kit.ids import is_hex_id
from clicktrail.kit.money import parse_money
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import local_day, utcnow
from clicktrail.web.console.dashboard import network_of
from clicktrail.web.console.query import Query, pager
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.templating import flash_redirect, render

router = APIRouter()

STATUSES = ("approved", "pending", "rejected", "invalid")
#: How the history and the adjust form name a conversion's fields.
FIELD_LABELS = {
    "status": "Status",
    "payout": "Payout",
    "revenue": "Revenue",
    "sale_amount": "Sale amount",
    "notes": "Note",
}
PER_PAGE = 50
MAX_DAYS = 366
#: Sections of the detail page: (heading, [(label, wire key)]).
DETAIL: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Conversion",
        [
            ("Status", "status"),
            ("Payout", "payout"),
            ("Revenue", "revenue"),
            ("Sale amount", "sale_amount"),
            ("Currency", "currency_id"),
            ("Event", "event"),
            ("Order id", "order_id"),
            ("Coupon code", "coupon_code"),
            ("Error", "error_message"),
            ("Notes", "notes"),
        ],
    ),
    (
        "Click",
        [
            ("Transaction id", "transaction_id"),
            ("Sub1", "sub1"),
            ("Sub2", "sub2"),
            ("Sub3", "sub3"),
            ("Sub4", "sub4"),
            ("Sub5", "sub5"),
            ("Source id", "source_id"),
        ],
    ),
    (
        "Visitor",
        [
            ("IP", "conversion_user_ip"),
            ("Country", "country"),
            ("Region", "region"),
            ("City", "city"),
            ("Device", "device_type"),
            ("Platform", "platform"),
            ("Browser", "browser"),
        ],
    ),
    (
        "Advertiser values",
        [("adv1", "adv1"), ("adv2", "adv2"), ("adv3", "adv3"), ("adv4", "adv4"), ("adv5", "adv5")],
    ),
]


def _filters(query: Query) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The API's filters from the form, and the form's values."""
    values = {
        "offer": query.ident("offer"),
        "affiliate": query.ident("affiliate"),
        "status": query.choice("status", STATUSES, ""),
        "transaction_id": query.text("transaction_id", lower=True),
    }
    shown = {k: "" if v is None else str(v) for k, v in values.items()}
    filters = [
        {"resource_type": name, "filter_id_value": value} for name, value in shown.items() if value
    ]
    return filters, shown


@router.get("/app/conversions", include_in_schema=False)
async def conversions(request: Request, user: ConsoleUser, session: ReadSession) -> Response:
    network = network_of(request)
    query = Query(request.query_params)
    today = local_day(utcnow(), network.zone)
    first, last = query.date_range(today, days=7, most=MAX_DAYS)
    filters, shown = _filters(query)
    number = query.page()
    params = [("from", first.isoformat()), ("to", last.isoformat())]
    params += [(k, v) for k, v in shown.items() if v]
    context: dict[str, Any] = {
        "first": first,
        "last": last,
        "shown": shown,
        "statuses": STATUSES,
        "errors": query.errors,
    }
    if query.errors:
        return render(request, "console/conversions/list.html", context, status_code=400)
    body = ConversionReportIn.model_validate(
        {
            "from": first.isoformat(),
            "to": last.isoformat(),
            "timezone_id": network.timezone_id,
            "query": {"filters": filters},
        }
    )
    try:
        result = await report.run(session, body, PageRequest(page=number, page_size=PER_PAGE))
    except ClicktrailError as exc:
        query.errors[exc.field if exc.field in ("from", "to") else ""] = exc.message
        return render(request, "console/conversions/list.html", context, status_code=400)
    context.update(
        result=result,
        pager=pager(
            params,
            number,
            more=number * PER_PAGE < result.total,
            total=result.total,
            per_page=PER_PAGE,
        ),
    )
    return render(request, "console/conversions/list.html", context)


ConversionKey = Annotated[str, Path(max_length=64)]


async def _detail(session: AsyncSession, conversion_id: str) -> dict[str, Any] | None:
    """The detail page's context, or None when there is no such conversion."""
    key = conversion_id.lower()
    found = await repository.get(session, key) if is_hex_id(key) else None
    if found is None:
        return None
    related = await report.related(session, [found])
    return {
        "conversion": found,
        "wire": conversion_out(found, related),
        "detail": DETAIL,
        "history": await adjust.history(session, key),
        "labels": FIELD_LABELS,
        "note_max": adjust.NOTE_MAX,
        "adjust_form": {name: adjust.value_text(getattr(found, name)) for name in adjust.AMOUNTS},
    }


def _missing(request: Request, conversion_id: str) -> Response:
    return render(
        request,
        "console/conversions/missing.html",
        {"conversion_id": conversion_id},
        status_code=404,
    )


@router.get("/app/conversions/{conversion_id}", include_in_schema=False)
async def conversion(
    request: Request, conversion_id: ConversionKey, user: ConsoleUser, session: ReadSession
) -> Response:
    context = await _detail(session, conversion_id)
    if context is None:
        return _missing(request, conversion_id)
    return render(request, "console/conversions/detail.html", context)


@router.post("/app/conversions/{conversion_id}/status", include_in_schema=False)
async def change_status(
    request: Request,
    conversion_id: ConversionKey,
    user: ConsoleUser,
    session: WriteSession,
    status: Annotated[str, Form()] = "",
) -> Response:
    context = await _detail(session, conversion_id)
    if context is None:
        return _missing(request, conversion_id)
    if status not in ("approved", "rejected"):
        # Checked before the service writes anything, so nothing needs rolling back.
        context["errors"] = {"status": "Choose approve or reject."}
        return render(request, "console/conversions/detail.html", context, status_code=400)
    key = context["conversion"].conversion_id
    changed = await service.change_status(session, [key], status)
    verb = "approved" if status == "approved" else "rejected"
    message = f"Conversion {verb}." if changed else f"The conversion was already {verb}."
    return flash_redirect(f"/app/conversions/{key}", message)


def _amounts(form: dict[str, str], errors: dict[str, str]) -> dict[str, Decimal]:
    """The amounts the form gives (a blank input leaves its amount as it is)."""
    given: dict[str, Decimal] = {}
    for name in adjust.AMOUNTS:
        raw = form.get(name, "").strip()
        if not raw:
            continue
        try:
            given[name] = parse_money(raw)
        except ValueError as exc:
            errors[name] = f"{FIELD_LABELS[name]} {exc}."
    return given


@router.post("/app/conversions/{conversion_id}/adjust", include_in_schema=False)
async def adjust_conversion(
    request: Request,
    conversion_id: ConversionKey,
    user: ConsoleUser,
    session: WriteSession,
    status: Annotated[str, Form(max_length=16)] = "",
    payout: Annotated[str, Form(max_length=64)] = "",
    revenue: Annotated[str, Form(max_length=64)] = "",
    sale_amount: Annotated[str, Form(max_length=64)] = "",
    notes: Annotated[str, Form(max_length=adjust.NOTE_MAX)] = "",
) -> Response:
    """Change the status and/or amounts with a note, in one savepoint: all or nothing."""
    context = await _detail(session, conversion_id)
    if context is None:
        return _missing(request, conversion_id)
    conversion = context["conversion"]
    form = {"payout": payout, "revenue": revenue, "sale_amount": sale_amount, "notes": notes}
    errors: dict[str, str] = {}
    if status and status not in adjust.STATUSES:
        errors["status"] = "Choose approved or rejected."
    amounts = _amounts(form, errors)
    new_status = status if status and status != conversion.status else ""
    unchanged = all(amounts[name] == getattr(conversion, name) for name in amounts)
    if not errors and not new_status and unchanged:
        errors[""] = "Nothing to change: give a new status or a new amount."
    changed: list[str] = []
    if not errors:
        key = conversion.conversion_id
        try:
            async with session.begin_nested():  # undone alone on refusal
                if new_status:
                    await adjust.change_status(session, [key], new_status, note=notes)
                    changed.append("status")
                if amounts:
                    change = adjust.Adjustment(
                        payout=amounts.get("payout"),
                        revenue=amounts.get("revenue"),
                        sale_amount=amounts.get("sale_amount"),
                        note=notes,
                    )
                    changed += await adjust.adjust(session, key, change)
        except ClicktrailError as exc:
            errors[exc.field if exc.field in FIELD_LABELS else ""] = exc.message
    if errors:
        fresh = await _detail(session, conversion_id)
        assert fresh is not None
        fresh.update(adjust_errors=errors, adjust_form=form | {"status": status})
        return render(request, "console/conversions/detail.html", fresh, status_code=400)
    names = ", ".join(FIELD_LABELS[name].lower() for name in changed)
    return flash_redirect(f"/app/conversions/{conversion.conversion_id}", f"Changed {names}.")
