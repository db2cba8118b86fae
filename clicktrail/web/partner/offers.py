"""``/partner/offers``: the offers the affiliate sees, with its status on each; one offer's
tracking link when it may run it, or an application to run one that requires approval."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from clicktrail.access import service as access
from clicktrail.access.schemas import ApplyIn
from clicktrail.click.schemas import TrackingLinkRequest
from clicktrail.click.service import tracking_link
from clicktrail.deps import ReadSession, State, WriteSession
from clicktrail.errors import ValidationFailed
from clicktrail.kit.wire import MAX_INT32
from clicktrail.offer import service as offer_service
from clicktrail.offer.visibility import visible_offer, visible_offers
from clicktrail.web.guard import PartnerUser
from clicktrail.web.partner.params import Params, pager
from clicktrail.web.sdk_snippets import direct_link
from clicktrail.web.templating import flash_redirect, render

router = APIRouter()

OfferId = Annotated[int, Path(ge=1, le=MAX_INT32)]
SUBS = ("sub1", "sub2", "sub3", "sub4", "sub5")


@router.get("/partner/offers", response_class=HTMLResponse)
async def offer_list(request: Request, session: ReadSession, user: PartnerUser) -> HTMLResponse:
    params = Params()
    query = request.query_params
    search = params.text("q", query.get("q"))
    page = params.page(query.get("page"))
    offers, total = await visible_offers(session, user.affiliate_id, page, search)
    return render(
        request,
        "partner/offers.html",
        {
            "offers": offers,
            "pager": pager(query, page, total),
            "q": search,
            "errors": params.errors,
        },
        status_code=400 if params.errors else 200,
    )


@router.get("/partner/offers/{offer_id}", response_class=HTMLResponse)
async def offer_detail(
    request: Request, offer_id: OfferId, session: ReadSession, state: State, user: PartnerUser
) -> HTMLResponse:
    offer = await visible_offer(session, user.affiliate_id, offer_id)
    params = Params()
    subs = {name: params.text(name, request.query_params.get(name)) for name in SUBS}
    link = direct = ""
    if offer.runnable:
        link = await tracking_link(
            session,
            state.settings,
            TrackingLinkRequest(
                network_offer_id=offer.network_offer_id,
                network_affiliate_id=user.affiliate_id,
                **subs,
            ),
        )
        full = await offer_service.get_offer(session, offer_id)
        if full.conversion_method == "javascript":  # tracked by the SDK: direct linking
            direct = direct_link(full, user.affiliate_id, subs)
    return render(
        request,
        "partner/offer.html",
        {"offer": offer, "link": link, "direct": direct, "subs": subs, "errors": params.errors},
        status_code=400 if params.errors else 200,
    )


@router.post("/partner/offers/{offer_id}/apply", response_model=None)
async def apply(offer_id: OfferId, session: WriteSession, user: PartnerUser) -> Response:
    """Apply to run an offer that requires approval; the offer's page shows the status."""
    target = f"/partner/offers/{offer_id}"
    try:
        application = await access.apply(
            session, user.affiliate_id, ApplyIn(network_offer_id=offer_id)
        )
    except ValidationFailed as error:
        return flash_redirect("/partner/offers", error.message, "error")
    return flash_redirect(target, f"Application {application.application_status}.")
