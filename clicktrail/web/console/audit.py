"""The audit log (``/app/audit``), admins and managers: who changed what and when, with the
values before and after, filtered by days, entity and actor. Read through
:mod:`clicktrail.audit.service`, the search ``POST /v1/networks/auditoperations`` runs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from clicktrail.audit import service
from clicktrail.audit.policy import ENTITY_TYPES, OPERATIONS
from clicktrail.audit.schemas import AuditSearchIn
from clicktrail.auth.actor import ACTOR_KINDS
from clicktrail.deps import ReadSession
from clicktrail.errors import ValidationFailed
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import check_day, local_day, utcnow
from clicktrail.meta.timezones import zone_for
from clicktrail.models import AuditEntry
from clicktrail.network.service import get_network
from clicktrail.web.console.fields import field_errors
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.paging import Page
from clicktrail.web.templating import render

router = APIRouter(prefix="/app/audit")

PAGE_SIZE = 50
MAX_PAGE = 10_000
DEFAULT_DAYS = 7
MAX_PARAM = 64
#: The list's filters, in the order they become the search's ``query.filters``.
FILTERS = ("entity_type", "entity_id", "operation", "actor_type", "actor_id")
PARAMS = ("from", "to", *FILTERS, "page")

#: Where an entity of each type is shown in the console ({id} is the entity id).
ENTITY_PAGES = {
    "offer": "/app/offers/{id}",
    "affiliate": "/app/affiliates/{id}",
    "advertiser": "/app/advertisers/{id}/edit",
    "network": "/app/settings",
    "api_key": "/app/keys",
    "user": "/app/users",
}


@dataclass(frozen=True, slots=True)
class Change:
    column: str
    before: Any
    after: Any
    created: bool
    removed: bool


def changes(entry: AuditEntry) -> list[Change]:
    """The entry's columns, each with its value before and after ("" when none)."""
    before, after = entry.before or {}, entry.after or {}
    return [
        Change(
            column,
            before.get(column, ""),
            after.get(column, ""),
            created=column not in before,
            removed=column not in after,
        )
        for column in sorted(set(before) | set(after))
    ]


def entity_href(entry: AuditEntry) -> str:
    pattern = ENTITY_PAGES.get(entry.entity_type)
    return pattern.format(id=entry.entity_id) if pattern else ""


def _day(text: str, name: str) -> date:
    try:
        if not text.isascii():
            raise ValueError
        return check_day(date.fromisoformat(text))
    except ValueError as exc:
        raise ValidationFailed(
            f"{name} must be a date (YYYY-MM-DD) between 1970 and 2099", field=name
        ) from exc


def _search(params: dict[str, str], today: date, timezone_id: int) -> tuple[AuditSearchIn, int]:
    """The API's search body from the page's query parameters, and the page number."""
    end = _day(params["to"], "to") if params["to"] else today
    start = _day(params["from"], "from") if params["from"] else end - timedelta(DEFAULT_DAYS - 1)
    if end < start:
        raise ValidationFailed("to must not be before from", field="to")
    page_text = params["page"] or "1"
    if not (page_text.isascii() and page_text.isdigit()) or not 1 <= int(page_text) <= MAX_PAGE:
        raise ValidationFailed(f"page must be a whole number from 1 to {MAX_PAGE}", field="page")
    filters = [
        {"resource_type": name, "filter_id_value": params[name]} for name in FILTERS if params[name]
    ]
    try:
        body = AuditSearchIn.model_validate(
            {
                "from": start.isoformat(),
                "to": end.isoformat(),
                "timezone_id": timezone_id,
                "query": {"filters": filters},
            }
        )
    except ValidationError as exc:
        raise ValidationFailed(next(iter(field_errors(exc).values())), field="from") from exc
    return body, int(page_text)


def _field_of(exc: ValidationFailed, params: dict[str, str]) -> str:
    """The page's field for an error the search named (``query.filters.N....``)."""
    field = exc.field or "from"
    if field.startswith("query.filters."):
        index = int(field.split(".")[2])
        named = [name for name in FILTERS if params[name]]
        return named[index] if index < len(named) else "entity_type"
    return field


@router.get("", response_class=HTMLResponse)
async def audit_log(request: Request, session: ReadSession, _: ConsoleUser) -> Response:
    network = await get_network(session)
    today = local_day(utcnow(), zone_for(network.timezone_id))
    params = {name: request.query_params.get(name, "")[:MAX_PARAM].strip() for name in PARAMS}
    context: dict[str, Any] = {
        "params": params,
        "entity_types": sorted(ENTITY_TYPES),
        "operations": OPERATIONS,
        "actor_kinds": ACTOR_KINDS,
        "changes": changes,
        "entity_href": entity_href,
    }
    try:
        body, number = _search(params, today, network.timezone_id)
        found, total = await service.search(
            session, body, PageRequest(number, PAGE_SIZE), service.order(None, None)
        )
    except ValidationFailed as exc:
        return render(
            request,
            "console/audit/list.html",
            context | {"entries": None, "errors": {_field_of(exc, params): exc.message}},
            status_code=400,
        )
    shown = dict(params, **{"from": body.from_ or "", "to": body.to or ""})
    links = {k: v for k, v in shown.items() if v and k != "page"}
    return render(
        request,
        "console/audit/list.html",
        context
        | {
            "params": shown,
            "entries": found,
            "page": Page(number, PAGE_SIZE, total, links),
            "errors": {},
        },
    )
