"""Postback deliveries (``/app/postbacks``): failures first, a delivery's attempts, resend.

Admins and managers. The list and the detail read through
:mod:`clicktrail.postback.deliveries`; resend calls the API's resend rules.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from clicktrail.deps import ReadSession, WriteSession, get_state
from clicktrail.errors import ClicktrailError, ValidationFailed
from clicktrail.kit.ids import PathId
from clicktrail.kit.timeutil import local_day, utcnow
from clicktrail.meta.timezones import zone_for
from clicktrail.network.service import get_network
from clicktrail.postback import deliveries
from clicktrail.web.guard import ConsoleUser, CsrfChecked
from clicktrail.web.paging import Page
from clicktrail.web.templating import flash_redirect, render

#: Deliveries have BIGINT ids on PostgreSQL.
MAX_BIGINT = 2**63 - 1
DeliveryId = Annotated[PathId, Path(ge=1, le=MAX_BIGINT)]

router = APIRouter(prefix="/app/postbacks")

#: The query parameters the list reads; anything else is ignored.
FILTER_PARAMS = ("from", "to", "status", "affiliate_id", "offer_id", "page")
MAX_PARAM = 64


@router.get("", response_class=HTMLResponse)
async def delivery_list(request: Request, session: ReadSession, _: ConsoleUser) -> Response:
    network = await get_network(session)
    zone = zone_for(network.timezone_id)
    today = local_day(utcnow(), zone)
    params = {k: request.query_params.get(k, "")[:MAX_PARAM] for k in FILTER_PARAMS}
    try:
        filters = deliveries.parse_filters(params, today)
    except ValidationFailed as exc:
        return render(
            request,
            "console/postbacks/list.html",
            {
                "log": None,
                "params": params,
                "errors": {exc.field or "from": exc.message},
                "statuses": deliveries.STATUSES,
            },
            status_code=400,
        )
    log = await deliveries.delivery_log(session, filters, zone)
    links = filters.query()
    links.pop("page", None)
    return render(
        request,
        "console/postbacks/list.html",
        {
            "log": log,
            "page": Page(filters.page, deliveries.PAGE_SIZE, log.total, links),
            "params": params
            | {"from": filters.start_day.isoformat(), "to": filters.end_day.isoformat()},
            "errors": {},
            "statuses": deliveries.STATUSES,
        },
    )


@router.get("/{delivery_id}", response_class=HTMLResponse)
async def delivery_page(
    request: Request, delivery_id: DeliveryId, session: ReadSession, _: ConsoleUser
) -> Response:
    detail = await deliveries.delivery_detail(session, delivery_id)
    return render(request, "console/postbacks/detail.html", {"detail": detail, "error": ""})


@router.post("/{delivery_id}/resend")
async def resend(
    request: Request,
    delivery_id: DeliveryId,
    session: WriteSession,
    _: ConsoleUser,
    __: CsrfChecked,
) -> Response:
    try:
        result = await deliveries.resend_delivery(session, delivery_id)
    except ClicktrailError as exc:
        await session.rollback()  # the write transaction ends here; read afresh
        async with get_state(request).db.read() as fresh:
            detail = await deliveries.delivery_detail(fresh, delivery_id)
        return render(
            request,
            "console/postbacks/detail.html",
            {"detail": detail, "error": exc.message},
            status_code=exc.status_code,
        )
    if result["resent"]:
        message = "The postback is queued again; the delivery worker sends it next."
    else:
        message = "The postback is queued again; it goes out when its pixel is active."
    return flash_redirect(f"/app/postbacks/{delivery_id}", message)
