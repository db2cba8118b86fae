"""Everflow Network API: offer visibility per affiliate, and offer applications."""

from __future__ import annotations

from fastapi import APIRouter

from clicktrail.access import service
from clicktrail.access.schemas import (
    AffiliateVisibilityIn,
    ApplicationList,
    ApplicationsPatchIn,
    ApplicationsTableIn,
    OfferVisibilityIn,
    OfferVisibilityOut,
    ResultOut,
    application_out,
)
from clicktrail.deps import NetworkCaller, ReadSession, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, PageRequest, paging

router = APIRouter(prefix="/v1/networks", tags=["offer visibility"])


@router.get("/offers/{offer_id}/visibility", response_model=OfferVisibilityOut)
async def get_offer_visibility(
    offer_id: PathId, session: ReadSession, _: NetworkCaller
) -> OfferVisibilityOut:
    """The affiliates the offer is visible to, rejected for and hidden from."""
    return await service.offer_visibility(session, offer_id)


@router.put("/offers/{offer_id}/visibility", response_model=OfferVisibilityOut)
async def put_offer_visibility(
    offer_id: PathId, body: OfferVisibilityIn, session: WriteSession, _: NetworkCaller
) -> OfferVisibilityOut:
    """Make the listed affiliates exactly those of ``set_type`` on the offer."""
    return await service.set_offer_visibility(session, offer_id, body)


@router.patch("/affiliates/{affiliate_id}/offers/visibility", response_model=ResultOut)
async def patch_affiliate_visibility(
    affiliate_id: PathId, body: AffiliateVisibilityIn, session: WriteSession, _: NetworkCaller
) -> ResultOut:
    """Set one affiliate's visibility on several offers."""
    await service.set_affiliate_visibility(session, affiliate_id, body)
    return ResultOut(result=True)


async def _list(
    session: ReadSession, page: PageRequest, body: ApplicationsTableIn | None
) -> ApplicationList:
    rows, total = await service.applications(session, page, body)
    return ApplicationList.model_validate(
        {
            "applications": [application_out(*row) for row in rows],
            "paging": paging(page, total).model_dump(),
        }
    )


@router.get("/applications", response_model=ApplicationList)
async def list_applications(
    session: ReadSession, _: NetworkCaller, page: PageParams
) -> ApplicationList:
    """Every offer application, newest first, paged."""
    return await _list(session, page, None)


@router.post("/applicationstable", response_model=ApplicationList)
async def find_applications(
    body: ApplicationsTableIn, session: ReadSession, _: NetworkCaller, page: PageParams
) -> ApplicationList:
    """Offer applications matching ``search_terms`` (offer id or name) and ``filters``."""
    return await _list(session, page, body)


@router.patch("/applications", response_model=ResultOut)
async def patch_applications(
    body: ApplicationsPatchIn, session: WriteSession, _: NetworkCaller
) -> ResultOut:
    """Approve or reject applications; the affiliates' visibility follows."""
    await service.decide_applications(session, body)
    return ResultOut(result=True)
