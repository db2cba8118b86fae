"""Console advertiser pages: list, create, edit, through the API's advertiser service."""

from __future__ import annotations

from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.advertiser import service
from clicktrail.advertiser.schemas import AccountStatus, AdvertiserIn
from clicktrail.deps import ReadSession, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.meta.timezones import TIMEZONES
from clicktrail.web.console.forms import (
    FormState,
    read_form,
    save_form,
    shown,
    stored_values,
)
from clicktrail.web.console.listing import currency_options, options, read_query
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.templating import flash_redirect, render

router = APIRouter(include_in_schema=False)

STATUSES: tuple[str, ...] = get_args(AccountStatus)
FIELDS = (
    "name",
    "account_status",
    "default_currency_id",
    "reporting_timezone_id",
    "accounting_contact_email",
    "verification_token",
    "internal_notes",
)


@router.get("/app/advertisers")
async def advertiser_list(request: Request, session: ReadSession, _: ConsoleUser) -> Response:
    query = read_query(request.query_params, {"status": STATUSES})
    rows, total = await service.search_advertisers(
        session, query.request, text=query.text, status=query.choice("status")
    )
    context = {
        "advertisers": rows,
        "query": query,
        "page": query.page_of(total),
        "status_options": options(STATUSES),
    }
    return render(request, "console/advertisers/list.html", context, 400 if query.errors else 200)


def _form_page(
    request: Request, state: FormState, advertiser_id: int | None, status_code: int = 200
) -> Response:
    context: dict[str, Any] = {
        "form": state,
        "advertiser_id": advertiser_id,
        "status_options": options(STATUSES),
        "currency_options": currency_options(),
        "timezone_options": [(str(tz.timezone_id), tz.timezone) for tz in TIMEZONES],
    }
    return render(request, "console/advertisers/form.html", context, status_code)


@router.get("/app/advertisers/new")
async def new_advertiser(request: Request, _: ConsoleUser) -> Response:
    state = FormState(values=dict.fromkeys(FIELDS, ""))
    state.values.update(account_status="active", default_currency_id="USD")
    state.values["reporting_timezone_id"] = "67"
    return _form_page(request, state, None)


async def _save(
    request: Request, session: AsyncSession, advertiser_id: int | None
) -> tuple[int | None, FormState]:
    state = read_form(await request.form(), FIELDS)
    base: dict[str, Any] = {}
    if advertiser_id is not None:
        base = stored_values(await service.get_advertiser(session, advertiser_id), AdvertiserIn)

    async def write(body: AdvertiserIn) -> int:
        if advertiser_id is None:
            created = await service.create_advertiser(session, body)
            return created.network_advertiser_id
        replaced = await service.replace_advertiser(session, advertiser_id, body)
        return replaced.network_advertiser_id

    saved = await save_form(
        session, state, AdvertiserIn, base, write, blank_is_default=("reporting_timezone_id",)
    )
    return saved, state


@router.post("/app/advertisers/new")
async def create_advertiser(request: Request, session: WriteSession, _: ConsoleUser) -> Response:
    saved, state = await _save(request, session, None)
    if saved is None:
        return _form_page(request, state, None, 400)
    return flash_redirect("/app/advertisers", "Advertiser created.")


@router.get("/app/advertisers/{advertiser_id}/edit")
async def edit_advertiser(
    advertiser_id: PathId, request: Request, session: ReadSession, _: ConsoleUser
) -> Response:
    advertiser = await service.get_advertiser(session, advertiser_id)
    return _form_page(request, shown(advertiser, FIELDS), advertiser_id)


@router.post("/app/advertisers/{advertiser_id}/edit")
async def update_advertiser(
    advertiser_id: PathId, request: Request, session: WriteSession, _: ConsoleUser
) -> Response:
    saved, state = await _save(request, session, advertiser_id)
    if saved is None:
        return _form_page(request, state, advertiser_id, 400)
    return flash_redirect("/app/advertisers", "Advertiser saved.")
