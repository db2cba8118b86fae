"""Console affiliate pages: list, create, edit, through the API's affiliate service. The
affiliate's own page (keys, pixels, users) is in ``affiliate_page.py``."""

from __future__ import annotations

from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.affiliate import service
from clicktrail.affiliate.schemas import AccountStatus, AffiliateIn
from clicktrail.deps import ReadSession, WriteSession
from clicktrail.kit.ids import PathId
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
FIELDS = ("name", "account_status", "default_currency_id", "referrer_id", "internal_notes")


@router.get("/app/affiliates")
async def affiliate_list(request: Request, session: ReadSession, _: ConsoleUser) -> Response:
    query = read_query(request.query_params, {"status": STATUSES})
    rows, total = await service.search_affiliates(
        session, query.request, text=query.text, status=query.choice("status")
    )
    context = {
        "affiliates": rows,
        "query": query,
        "page": query.page_of(total),
        "status_options": options(STATUSES),
    }
    return render(request, "console/affiliates/list.html", context, 400 if query.errors else 200)


async def _form_page(
    request: Request,
    session: AsyncSession,
    state: FormState,
    affiliate_id: int | None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "form": state,
        "affiliate_id": affiliate_id,
        "status_options": options(STATUSES),
        "currency_options": currency_options(),
        "referrers": [
            (str(i), name)
            for i, name in await service.affiliate_choices(session)
            if i != affiliate_id
        ],
    }
    return render(request, "console/affiliates/form.html", context, status_code)


@router.get("/app/affiliates/new")
async def new_affiliate(request: Request, session: ReadSession, _: ConsoleUser) -> Response:
    state = FormState(values=dict.fromkeys(FIELDS, ""))
    state.values.update(account_status="active", default_currency_id="USD", referrer_id="0")
    return await _form_page(request, session, state, None)


async def _save(
    request: Request, session: AsyncSession, affiliate_id: int | None
) -> tuple[int | None, FormState]:
    state = read_form(await request.form(), FIELDS)
    base: dict[str, Any] = {}
    if affiliate_id is not None:
        base = stored_values(await service.get_affiliate(session, affiliate_id), AffiliateIn)

    async def write(body: AffiliateIn) -> int:
        if affiliate_id is None:
            created = await service.create_affiliate(session, body)
            return created.network_affiliate_id
        replaced = await service.replace_affiliate(session, affiliate_id, body)
        return replaced.network_affiliate_id

    saved = await save_form(
        session, state, AffiliateIn, base, write, blank_is_default=("referrer_id",)
    )
    return saved, state


@router.post("/app/affiliates/new")
async def create_affiliate(request: Request, session: WriteSession, _: ConsoleUser) -> Response:
    saved, state = await _save(request, session, None)
    if saved is None:
        return await _form_page(request, session, state, None, 400)
    return flash_redirect(f"/app/affiliates/{saved}", "Affiliate created.")


@router.get("/app/affiliates/{affiliate_id}/edit")
async def edit_affiliate(
    affiliate_id: PathId, request: Request, session: ReadSession, _: ConsoleUser
) -> Response:
    affiliate = await service.get_affiliate(session, affiliate_id)
    return await _form_page(request, session, shown(affiliate, FIELDS), affiliate_id)


@router.post("/app/affiliates/{affiliate_id}/edit")
async def update_affiliate(
    affiliate_id: PathId, request: Request, session: WriteSession, _: ConsoleUser
) -> Response:
    saved, state = await _save(request, session, affiliate_id)
    if saved is None:
        return await _form_page(request, session, state, affiliate_id, 400)
    return flash_redirect(f"/app/affiliates/{saved}", "Affiliate saved.")
