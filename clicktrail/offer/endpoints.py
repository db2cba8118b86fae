"""Everflow Network API: ``/v1/networks/offers``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from clicktrail.deps import NetworkCaller, ReadSession, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging
from clicktrail.offer import service
from clicktrail.offer.schemas import OfferIn, offer_out

router = APIRouter(prefix="/v1/networks/offers", tags=["offers"])

#: ``?relationship=advertiser`` (repeatable; ``all`` too) adds ``relationship.advertiser``;
#: ``relationship.payout_revenue`` is always present.
Relationships = Annotated[list[str] | None, Query(alias="relationship", max_length=20)]


def _wants_advertiser(relationship: list[str] | None) -> bool:
    return bool(relationship) and any(r in ("advertiser", "all") for r in relationship or [])


@router.post("")
async def create_offer(body: OfferIn, session: WriteSession, _: NetworkCaller) -> dict[str, Any]:
    """Create an offer with its payout/revenue entries; answers the stored offer."""
    offer, advertiser = await service.create_offer(session, body)
    return offer_out(offer, advertiser)


@router.get("")
async def list_offers(
    session: ReadSession,
    _: NetworkCaller,
    page: PageParams,
    relationship: Relationships = None,
) -> dict[str, Any]:
    """All offers by id, paged with ``page`` and ``page_size``."""
    rows, total = await service.list_offers(session, page)
    advertisers = (
        await service.advertisers_of(session, rows) if _wants_advertiser(relationship) else {}
    )
    return {
        "offers": [offer_out(o, advertisers.get(o.network_advertiser_id)) for o in rows],
        "paging": paging(page, total).model_dump(),
    }


@router.get("/{offer_id}")
async def get_offer(
    offer_id: PathId, session: ReadSession, _: NetworkCaller, relationship: Relationships = None
) -> dict[str, Any]:
    """One offer with its entries; 404 when it does not exist."""
    offer = await service.get_offer(session, offer_id)
    advertisers = (
        await service.advertisers_of(session, [offer]) if _wants_advertiser(relationship) else {}
    )
    return offer_out(offer, advertisers.get(offer.network_advertiser_id))


@router.put("/{offer_id}")
async def replace_offer(
    offer_id: PathId, body: OfferIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Replace an offer and its entries (Everflow's PUT: omitted fields revert to defaults).
    Entries named by ``network_offer_payout_revenue_id`` keep their id and event id."""
    offer, advertiser = await service.replace_offer(session, offer_id, body)
    return offer_out(offer, advertiser)
