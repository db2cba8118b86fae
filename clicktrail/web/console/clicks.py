"""``/app/clicks``: raw clicks with filters, and one click's detail.

The list is the API's raw click stream (``click.service.page``: the same window of at most
14 days and the same filters), a page at a time, newest first; the detail is the API's
click by transaction id.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from clicktrail.click import repository, service
from clicktrail.click.schemas import ClickStreamRequest
from clicktrail.deps import ReadSession
from clicktrail.errors import ClicktrailError, NotFound
from clicktrail.kit.timeutil import local_day, utcnow
from clicktrail.web.console.dashboard import network_of
from clicktrail.web.console.query import Query, pager
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.templating import render

router = APIRouter()

PER_PAGE = 50
MAX_DAYS = 14
#: Filter boxes -> the stream's filter resource type.
FILTERS = {"offer": "offer", "affiliate": "affiliate", "sub1": "s1"}


@router.get("/app/clicks", include_in_schema=False)
async def clicks(request: Request, user: ConsoleUser, session: ReadSession) -> Response:
    network = network_of(request)
    query = Query(request.query_params)
    today = local_day(utcnow(), network.zone)
    first, last = query.date_range(today, days=1, most=MAX_DAYS)
    offer, affiliate = query.ident("offer"), query.ident("affiliate")
    shown = {
        "offer": "" if offer is None else str(offer),
        "affiliate": "" if affiliate is None else str(affiliate),
        "sub1": query.text("sub1"),
        "transaction_id": query.text("transaction_id", lower=True),
    }
    number = query.integer("page", 1, low=1, high=service.MAX_PAGE_OFFSET // PER_PAGE)
    context: dict[str, Any] = {
        "first": first,
        "last": last,
        "shown": shown,
        "errors": query.errors,
        "max_days": MAX_DAYS,
    }
    if query.errors:
        return render(request, "console/clicks/list.html", context, status_code=400)
    if shown["transaction_id"]:
        found = await repository.get_click(session, shown["transaction_id"])
        rows = [found] if found is not None else []
        offers = await repository.offers_by_id(
            session, [c.network_offer_id for c in rows if c.network_offer_id]
        )
        context.update(rows=rows, offers=offers, pager=None)
        return render(request, "console/clicks/list.html", context)
    filters = [
        {"resource_type": FILTERS[name], "filter_id_value": value}
        for name, value in shown.items()
        if value and name in FILTERS
    ]
    body = ClickStreamRequest.model_validate(
        {
            "from": f"{first.isoformat()} 00:00:00",
            "to": f"{last.isoformat()} 23:59:59",
            "timezone_id": network.timezone_id,
            "query": {"filters": filters},
        }
    )
    try:
        page = await service.page(
            session,
            body,
            affiliate_id=None,
            offset=(number - 1) * PER_PAGE,
            page_size=PER_PAGE,
        )
    except ClicktrailError as exc:
        query.errors[exc.field if exc.field in ("from", "to", "page") else ""] = exc.message
        return render(request, "console/clicks/list.html", context, status_code=400)
    params = [("from", first.isoformat()), ("to", last.isoformat())]
    params += [(k, v) for k, v in shown.items() if v]
    context.update(
        rows=page.clicks, offers=page.offers, pager=pager(params, number, more=page.more)
    )
    return render(request, "console/clicks/list.html", context)


ClickKey = Annotated[str, Path(max_length=64)]


@router.get("/app/clicks/{transaction_id}", include_in_schema=False)
async def click(
    request: Request, transaction_id: ClickKey, user: ConsoleUser, session: ReadSession
) -> Response:
    try:
        wire = await service.click_by_id(session, transaction_id, affiliate_id=None)
    except NotFound:
        return render(
            request,
            "console/clicks/missing.html",
            {"transaction_id": transaction_id},
            status_code=404,
        )
    network = network_of(request)
    found = await repository.get_click(session, transaction_id.strip())
    assert found is not None  # click_by_id found it in this transaction
    day = local_day(found.created_at, network.zone)
    conversions_href = (
        f"/app/conversions?from={day.isoformat()}"
        f"&to={(day + timedelta(days=30)).isoformat()}&transaction_id={found.transaction_id}"
    )
    return render(
        request,
        "console/clicks/detail.html",
        {"click": found, "wire": wire, "conversions_href": conversions_href},
    )
