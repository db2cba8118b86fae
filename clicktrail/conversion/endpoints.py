"""Everflow-compatible conversion endpoints (Network and Affiliate APIs)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.conversion import adjust, manual, report, repository
from clicktrail.conversion.adjust import Adjustment
from clicktrail.conversion.postback_links import offer_postback
from clicktrail.conversion.schemas import (
    ConversionReportIn,
    ManualConversionsIn,
    OfferPostbackOut,
    PayoutRevenueIn,
    SaleAmountIn,
    StatusUpdateIn,
    TransactionConversionsIn,
)
from clicktrail.conversion.wire import change_out, conversion_out
from clicktrail.deps import AffiliateCaller, NetworkCaller, ReadSession, State, WriteSession
from clicktrail.errors import NotFound
from clicktrail.kit.ids import PathKey, is_hex_id
from clicktrail.kit.paging import PageParams, paging
from clicktrail.kit.wire import MAX_INT32
from clicktrail.models import Conversion
from clicktrail.offer import repository as offers
from clicktrail.offer.service import get_offer

router = APIRouter(tags=["conversions"])


@router.post("/v1/networks/conversions/reporting")
async def create_conversions(
    body: ManualConversionsIn, session: WriteSession, _: NetworkCaller
) -> dict[str, bool]:
    """Create 1 to 50 conversions for an offer and affiliate, without transaction ids."""
    await manual.create_without_clicks(session, body)
    return {"result": True}


@router.post("/v1/networks/conversions/reporting/transaction_ids")
async def create_conversions_for_clicks(
    body: TransactionConversionsIn, session: WriteSession, _: NetworkCaller
) -> dict[str, bool]:
    """Create one conversion per given click (each must belong to the offer)."""
    await manual.create_for_clicks(session, body)
    return {"result": True}


@router.patch("/v1/networks/reporting/conversions")
async def update_conversion_status(
    body: StatusUpdateIn, session: WriteSession, _: NetworkCaller
) -> dict[str, bool]:
    """Approve or reject conversions, all or none (an unknown id changes nothing). Approving
    enqueues the affiliate's postbacks; rejecting cancels those not yet sent. ``notes`` is
    kept in each changed conversion's history."""
    await adjust.change_status(
        session,
        [c.lower() for c in body.conversion_ids],
        body.conversion_status,
        note=body.notes,
    )
    return {"result": True}


@router.put("/v1/networks/reporting/conversions/{conversion_id}/payoutrevenue")
async def update_conversion_payout_revenue(
    conversion_id: PathKey, body: PayoutRevenueIn, session: WriteSession, _: NetworkCaller
) -> dict[str, bool]:
    """Set an approved conversion's payout and revenue (absolute amounts). The reports
    follow; no postback fires again (one not yet sent goes with the new amounts)."""
    change = Adjustment(
        payout=body.payout, revenue=body.revenue, is_event=body.is_event, note=body.notes
    )
    await adjust.adjust(session, conversion_id, change)
    return {"result": True}


@router.put("/v1/networks/reporting/conversions/{conversion_id}/saleamount")
async def update_conversion_sale_amount(
    conversion_id: PathKey, body: SaleAmountIn, session: WriteSession, _: NetworkCaller
) -> dict[str, bool]:
    """Set a conversion's sale amount. The reports follow; no postback fires again."""
    change = Adjustment(sale_amount=body.sale_amount, is_event=body.is_event, note=body.notes)
    await adjust.adjust(session, conversion_id, change)
    return {"result": True}


@router.post("/v1/networks/reporting/conversions")
async def network_conversion_report(
    body: ConversionReportIn, page: PageParams, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """Raw conversions, newest first, filtered; paged with ?page=&page_size=."""
    result = await report.run(session, body, page)
    return {
        "conversions": [conversion_out(c, result) for c in result.rows],
        "paging": paging(page, result.total).model_dump(),
    }


@router.get("/v1/networks/reporting/conversions/{conversion_id}")
async def network_conversion(
    conversion_id: PathKey, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """One conversion, with ``history``: every change since it was recorded, oldest first."""
    conversion = await _get(session, conversion_id)
    out = conversion_out(conversion, await report.related(session, [conversion]))
    changes = await adjust.history(session, conversion.conversion_id)
    out["history"] = [change_out(change) for change in changes]
    return out


@router.post("/v1/affiliates/reporting/conversions")
async def affiliate_conversion_report(
    body: ConversionReportIn, page: PageParams, session: ReadSession, caller: AffiliateCaller
) -> dict[str, Any]:
    """The affiliate's own conversions, without revenue or the advertiser's data."""
    result = await report.run(session, body, page, affiliate_id=caller.affiliate_id)
    return {
        "conversions": [conversion_out(c, result, affiliate=True) for c in result.rows],
        "paging": paging(page, result.total).model_dump(),
    }


async def _get(session: AsyncSession, conversion_id: str) -> Conversion:
    key = conversion_id.lower()
    found = await repository.get(session, key) if is_hex_id(key) else None
    if found is None:
        raise NotFound(f"conversion {conversion_id} not found", field="conversion_id")
    return found


@router.get("/v1/networks/tracking/offers/{offer_id}/conversion", response_model=OfferPostbackOut)
async def offer_conversion_tracking(
    offer_id: Annotated[int, Path(ge=1, le=MAX_INT32, description="The offer's id.")],
    session: ReadSession,
    state: State,
    _: NetworkCaller,
    event_id: Annotated[
        int, Query(ge=0, le=MAX_INT32, description="An event of the offer; 0 = the base.")
    ] = 0,
) -> OfferPostbackOut:
    """The offer's ready-made advertiser postback URL, iframe pixel and image pixel, for the
    base conversion or one event, as Everflow's offer tracking page gives them."""
    offer = await get_offer(session, offer_id)
    advertisers = await offers.advertisers_by_id(session, {offer.network_advertiser_id})
    advertiser = advertisers.get(offer.network_advertiser_id)
    token = advertiser.verification_token if advertiser is not None else ""
    made = offer_postback(offer, token, state.settings.public_tracking_url(), event_id)
    return OfferPostbackOut(
        network_offer_id=made.network_offer_id,
        event_id=made.event_id,
        postback_url=made.postback_url,
        iframe_pixel=made.iframe_pixel,
        image_pixel=made.image_pixel,
    )
