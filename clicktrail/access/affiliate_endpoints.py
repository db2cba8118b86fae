"""Everflow Affiliate API: the offers an affiliate sees and runs, their tracking links, and
applications to run offers that require approval."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from clicktrail.access import service
from clicktrail.access.schemas import (
    AffiliateOfferList,
    AffiliateOfferOut,
    ApplyIn,
    ApplyOut,
    TrackingUrlOut,
)
from clicktrail.click.schemas import TrackingLinkRequest
from clicktrail.click.service import link_url, tracking_link
from clicktrail.config import Settings
from clicktrail.deps import AffiliateCaller, ReadSession, State, WriteSession
from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging
from clicktrail.kit.timeutil import unix
from clicktrail.kit.wire import MAX_INT32
from clicktrail.offer.visibility import PartnerOffer, visible_offer, visible_offers

router = APIRouter(prefix="/v1/affiliates", tags=["affiliate offers"])

Search = Annotated[str, Query(max_length=100)]
NETWORK_ID = 1


def _number(value: Any) -> float:
    return float(value)


def offer_out(offer: PartnerOffer, affiliate_id: int, settings: Settings) -> dict[str, Any]:
    """An offer as the affiliate sees it: its payouts, never revenue; a tracking link only
    when it may run the offer."""
    payouts = [
        {
            "event_id": p.event_id,
            "name": p.name,
            "payout_type": p.payout_type,
            "payout_amount": _number(p.payout_amount),
            "payout_percentage": _number(p.payout_percentage),
        }
        for p in offer.payouts
    ]
    return {
        "network_offer_id": offer.network_offer_id,
        "network_id": NETWORK_ID,
        "name": offer.name,
        "thumbnail_url": "",
        "network_category_id": 0,
        "preview_url": offer.preview_url,
        "offer_status": offer.offer_status,
        "currency_id": offer.currency_id,
        "html_description": offer.html_description,
        "visibility": offer.visibility,
        "network_tracking_domain_id": offer.network_tracking_domain_id,
        "tracking_url": (
            link_url(settings, affiliate_id, offer.network_offer_id) if offer.runnable else ""
        ),
        "time_created": unix(offer.time_created) if offer.time_created else 0,
        "time_saved": unix(offer.time_saved) if offer.time_saved else 0,
        "relationship": {
            "offer_affiliate_status": offer.offer_affiliate_status,
            "payouts": {"entries": payouts, "total": len(payouts)},
        },
    }


async def _offers(
    session: ReadSession,
    caller: AffiliateCaller,
    state: State,
    page: PageParams,
    search: str,
    *,
    runnable_only: bool,
) -> AffiliateOfferList:
    affiliate_id = caller.affiliate_id
    rows, total = await visible_offers(
        session, affiliate_id, page, search, runnable_only=runnable_only
    )
    return AffiliateOfferList.model_validate(
        {
            "offers": [offer_out(o, affiliate_id, state.settings) for o in rows],
            "paging": paging(page, total).model_dump(),
        }
    )


@router.get("/alloffers", response_model=AffiliateOfferList)
async def all_offers(
    session: ReadSession,
    caller: AffiliateCaller,
    state: State,
    page: PageParams,
    search: Search = "",
) -> AffiliateOfferList:
    """Every offer the affiliate sees: those it may run, and those that require approval
    with ``relationship.offer_affiliate_status`` saying where its application stands."""
    return await _offers(session, caller, state, page, search, runnable_only=False)


@router.get("/offersrunnable", response_model=AffiliateOfferList)
async def runnable_offers(
    session: ReadSession,
    caller: AffiliateCaller,
    state: State,
    page: PageParams,
    search: Search = "",
) -> AffiliateOfferList:
    """Only the offers the affiliate may run now."""
    return await _offers(session, caller, state, page, search, runnable_only=True)


@router.get("/offers/{offer_id}", response_model=AffiliateOfferOut)
async def get_offer(
    offer_id: PathId, session: ReadSession, caller: AffiliateCaller, state: State
) -> AffiliateOfferOut:
    """One offer the affiliate sees; 404 for any other."""
    offer = await visible_offer(session, caller.affiliate_id, offer_id)
    return AffiliateOfferOut.model_validate(offer_out(offer, caller.affiliate_id, state.settings))


@router.get("/offers/{offer_id}/url/{url_id}", response_model=TrackingUrlOut)
async def offer_url(
    offer_id: PathId,
    url_id: Annotated[int, Path(ge=0, le=MAX_INT32)],
    session: ReadSession,
    caller: AffiliateCaller,
    state: State,
) -> TrackingUrlOut:
    """The affiliate's tracking link for the offer (``url_id`` 0: its default URL); 400
    naming ``offerId`` when the affiliate may not run the offer."""
    if not 1 <= offer_id <= MAX_INT32:
        raise NotFound(f"offer {offer_id} not found", field="offerId")
    try:
        url = await tracking_link(
            session,
            state.settings,
            TrackingLinkRequest(
                network_offer_id=offer_id,
                network_affiliate_id=caller.affiliate_id,
                network_offer_url_id=url_id,
            ),
            runnable_field="offerId",
        )
    except NotFound as error:
        if error.field == "network_offer_id":
            raise NotFound(f"offer {offer_id} not found", field="offerId") from None
        raise
    except ValidationFailed as error:
        if error.field == "network_offer_id":
            raise ValidationFailed(error.message, field="offerId") from None
        raise
    return TrackingUrlOut(url=url)


@router.post("/applications", response_model=ApplyOut)
async def apply(body: ApplyIn, session: WriteSession, caller: AffiliateCaller) -> ApplyOut:
    """Apply to run an offer that requires approval; applying again answers the same
    application with its status."""
    application = await service.apply(session, caller.affiliate_id, body)
    return ApplyOut(
        network_offer_application_id=application.network_application_id,
        network_offer_id=application.network_offer_id,
        status=application.application_status,
    )
