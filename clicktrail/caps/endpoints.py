"""Everflow Network API: custom caps (``/v1/networks/custom/caps``) and the offer cap
report (``/v1/networks/reporting/caps/offer``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from clicktrail.caps import report, service
from clicktrail.caps.schemas import BulkUpdateIn, CapReportIn, CustomCapIn, setting_out
from clicktrail.deps import NetworkCaller, ReadSession, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging
from clicktrail.kit.timeutil import utcnow
from clicktrail.kit.wire import Id32

router = APIRouter(tags=["caps"])

OfferFilter = Annotated[Id32 | None, Query(alias="filter[network_offer_id]")]
AffiliateFilter = Annotated[Id32 | None, Query(alias="filter[network_affiliate_id]")]


@router.get("/v1/networks/custom/caps")
async def list_custom_caps(
    session: ReadSession,
    _: NetworkCaller,
    page: PageParams,
    offer_id: OfferFilter = None,
    affiliate_id: AffiliateFilter = None,
) -> dict[str, Any]:
    """Custom cap settings by id, paged, filtered by offer and affiliate."""
    rows, total = await service.list_settings(
        session, page, offer_id=offer_id, affiliate_id=affiliate_id
    )
    offers, affiliates = await service.relations(session, rows)
    return {
        "custom_cap_settings": [
            setting_out(
                row, offers.get(row.network_offer_id), affiliates.get(row.network_affiliate_id)
            )
            for row in rows
        ],
        "paging": paging(page, total).model_dump(),
    }


@router.post("/v1/networks/custom/caps")
async def create_custom_cap(
    body: CustomCapIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Create one affiliate's caps on one offer; 400 naming the field for an unknown offer
    or affiliate, a negative cap, or a second setting for the same pair."""
    row, offer, affiliate = await service.create_setting(session, body)
    return setting_out(row, offer, affiliate)


@router.patch("/v1/networks/custom/caps")
async def bulk_update_custom_caps(
    body: BulkUpdateIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Set the listed cap fields on every listed setting."""
    await service.bulk_update(session, body)
    return {"result": True}


@router.get("/v1/networks/custom/caps/{setting_id}")
async def get_custom_cap(
    setting_id: PathId, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    row = await service.get_setting(session, setting_id)
    offers, affiliates = await service.relations(session, [row])
    return setting_out(
        row, offers.get(row.network_offer_id), affiliates.get(row.network_affiliate_id)
    )


@router.put("/v1/networks/custom/caps/{setting_id}")
async def replace_custom_cap(
    setting_id: PathId, body: CustomCapIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Replace a setting (omitted caps revert to 0: no cap)."""
    row, offer, affiliate = await service.replace_setting(session, setting_id, body)
    return setting_out(row, offer, affiliate)


@router.delete("/v1/networks/custom/caps/{setting_id}")
async def delete_custom_cap(
    setting_id: PathId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Delete a setting: the pair reverts to the offer's own caps."""
    await service.delete_setting(session, setting_id)
    return {"result": True}


@router.post("/v1/networks/reporting/caps/offer")
async def offer_caps_report(
    body: CapReportIn, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """Every cap of the offers with caps enabled, with its usage in the current period."""
    return await report.offer_caps(session, body, utcnow())
