"""Console offer pages: the list, create and edit forms, pause/activate, and the offer page
with its tracking-link builder and advertiser postbacks. Every write goes through the API's
offer service (clicktrail/offer/service.py), so the form validates as the API does."""

from __future__ import annotations

from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.advertiser.service import advertiser_choices
from clicktrail.affiliate.service import affiliate_choices
from clicktrail.deps import ReadSession, State, WriteSession
from clicktrail.errors import ClicktrailError
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageRequest
from clicktrail.offer import custom_service, service
from clicktrail.offer.schemas import OfferStatus
from clicktrail.web.console import offer_form
from clicktrail.web.console.forms import FormState, service_error
from clicktrail.web.console.listing import currency_options, options, read_query
from clicktrail.web.console.offer_applications import pending
from clicktrail.web.console.offer_coupons import coupons_of
from clicktrail.web.console.offer_links import (
    LINK_PARAMS,
    advertiser_postbacks,
    build_link,
)
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.sdk_snippets import sdk_snippets
from clicktrail.web.templating import flash_redirect, render

router = APIRouter(include_in_schema=False)

STATUSES: tuple[str, ...] = get_args(OfferStatus)
VISIBILITIES = ("public", "require_approval", "private")
CONVERSION_METHODS = (
    ("server_postback", "Server postback"),
    ("javascript", "JavaScript SDK"),
    ("html_pixel_cookie_based", "HTML pixel (cookie based)"),
)
PAYOUT_TYPES = ("cpa", "cpc", "cpm", "cps", "cpa_cps", "prv")
REVENUE_TYPES = ("rpa", "rpc", "rpm", "rps", "rpa_rps")
#: What the pause/activate buttons may set.
TOGGLES = ("active", "paused")
#: The custom payout/revenue settings an offer page lists (the API pages through all).
CUSTOM_PAGE = PageRequest(page=1, page_size=200)


@router.get("/app/offers")
async def offer_list(request: Request, session: ReadSession, _: ConsoleUser) -> Response:
    query = read_query(
        request.query_params,
        {"status": STATUSES, "visibility": VISIBILITIES},
        ids=("advertiser",),
    )
    rows, total = await service.search_offers(
        session,
        query.request,
        text=query.text,
        status=query.choice("status"),  # type: ignore[arg-type]
        advertiser_id=query.number("advertiser"),
        visibility=query.choice("visibility"),
    )
    advertisers = await service.advertisers_of(session, rows)
    context = {
        "offers": rows,
        "advertisers": advertisers,
        "query": query,
        "page": query.page_of(total),
        "status_options": options(STATUSES),
        "visibility_options": options(VISIBILITIES),
        "advertiser_choices": await advertiser_choices(session),
    }
    return render(request, "console/offers/list.html", context, 400 if query.errors else 200)


async def _form_page(
    request: Request,
    session: AsyncSession,
    state: FormState,
    *,
    offer_id: int | None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "form": state,
        "offer_id": offer_id,
        "advertiser_choices": await advertiser_choices(session),
        "currency_options": currency_options(),
        "status_options": options(STATUSES),
        "visibility_options": options(VISIBILITIES),
        "conversion_methods": CONVERSION_METHODS,
        "payout_types": options(PAYOUT_TYPES),
        "revenue_types": options(REVENUE_TYPES),
    }
    return render(request, "console/offers/form.html", context, status_code)


@router.get("/app/offers/new")
async def new_offer(request: Request, session: ReadSession, _: ConsoleUser) -> Response:
    state = offer_form.new_form()
    chosen = request.query_params.get("advertiser", "")
    if chosen.isdigit():
        state.values["network_advertiser_id"] = chosen
    return await _form_page(request, session, state, offer_id=None)


async def _save(
    request: Request, session: AsyncSession, offer_id: int | None
) -> tuple[int | None, FormState]:
    state = offer_form.read_post(await request.form())
    base = (
        offer_form.stored_fields(await service.get_offer(session, offer_id))
        if offer_id is not None
        else {}
    )
    body, rows = offer_form.to_body(state, base)
    if body is None:
        return None, state
    try:
        async with session.begin_nested():  # undone alone on refusal
            if offer_id is None:
                offer, _ = await service.create_offer(session, body)
            else:
                offer, _ = await service.replace_offer(session, offer_id, body)
    except ClicktrailError as exc:
        inputs = offer_form.inputs_of_body(len(rows))
        state.errors.update(offer_form.to_form_errors(service_error(exc, inputs), rows))
        return None, state
    return offer.network_offer_id, state


@router.post("/app/offers/new")
async def create_offer(request: Request, session: WriteSession, _: ConsoleUser) -> Response:
    saved, state = await _save(request, session, None)
    if saved is None:
        return await _form_page(request, session, state, offer_id=None, status_code=400)
    return flash_redirect(f"/app/offers/{saved}", "Offer created.")


@router.get("/app/offers/{offer_id}/edit")
async def edit_offer(
    offer_id: PathId, request: Request, session: ReadSession, _: ConsoleUser
) -> Response:
    offer = await service.get_offer(session, offer_id)
    return await _form_page(request, session, offer_form.offer_form(offer), offer_id=offer_id)


@router.post("/app/offers/{offer_id}/edit")
async def update_offer(
    offer_id: PathId, request: Request, session: WriteSession, _: ConsoleUser
) -> Response:
    saved, state = await _save(request, session, offer_id)
    if saved is None:
        return await _form_page(request, session, state, offer_id=offer_id, status_code=400)
    return flash_redirect(f"/app/offers/{saved}", "Offer saved.")


@router.post("/app/offers/{offer_id}/status")
async def set_status(
    offer_id: PathId, request: Request, session: WriteSession, _: ConsoleUser
) -> Response:
    wanted = (await request.form()).get("offer_status")
    if wanted not in TOGGLES:
        await service.get_offer(session, offer_id)  # 404 first for an unknown offer
        return flash_redirect(
            f"/app/offers/{offer_id}", "Choose to pause or to activate the offer.", "error"
        )
    await service.set_offer_status(session, offer_id, wanted)  # type: ignore[arg-type]
    done = "Offer activated." if wanted == "active" else "Offer paused."
    return flash_redirect(f"/app/offers/{offer_id}", done)


@router.get("/app/offers/{offer_id}")
async def offer_page(
    offer_id: PathId, request: Request, session: ReadSession, state: State, _: ConsoleUser
) -> Response:
    offer = await service.get_offer(session, offer_id)
    advertiser = (await service.advertisers_of(session, [offer])).get(offer.network_advertiser_id)
    link = await build_link(session, state.settings, offer, request.query_params)
    tracking_url = state.settings.public_tracking_url()
    entries = sorted(
        offer.payout_revenue, key=lambda e: (not e.is_default, e.network_offer_payout_revenue_id)
    )
    choices = await affiliate_choices(session)
    custom, _total = await custom_service.list_settings(session, CUSTOM_PAGE, offer_id)
    context = {
        "offer": offer,
        "advertiser": advertiser,
        "link": link,
        "link_params": LINK_PARAMS,
        "affiliate_choices": choices,
        "postbacks": advertiser_postbacks(offer, advertiser, tracking_url),
        "sdk": sdk_snippets(offer, tracking_url),
        "applications": await pending(session, offer_id),
        "entries": entries,
        "custom_settings": custom,
        "coupons": await coupons_of(session, offer_id),
        "entry_names": {
            e.network_offer_payout_revenue_id: e.entry_name or f"Event {e.event_id}"
            for e in entries
        },
        "affiliate_names": dict(choices),
    }
    return render(request, "console/offers/detail.html", context, 400 if link.errors else 200)


@router.get("/app/offers/{offer_id}/link")
async def offer_link(
    offer_id: PathId, request: Request, session: ReadSession, state: State, _: ConsoleUser
) -> Response:
    """The link builder's answer for scripts: ``{"url", "errors"}``, 200 even when the
    choices are refused (the errors say why; the page works without scripts)."""
    offer = await service.get_offer(session, offer_id)
    link = await build_link(session, state.settings, offer, request.query_params)
    return JSONResponse({"url": link.url, "errors": link.errors})
