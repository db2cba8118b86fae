"""Everflow-compatible pixel (partner postback) endpoints, network and affiliate realms.

Network: ``/v1/networks/pixels`` (GET list, POST) and ``/v1/networks/pixels/{id}`` (GET,
PUT, DELETE). Affiliate: the same under ``/v1/affiliates/pixels``, limited to the caller's
own pixels (another affiliate's pixel answers 404). Both realms can resend failed
postbacks: ``POST …/pixels/{id}/postbacks/{conversion_id}/resend`` (one) and ``POST
…/pixels/resend`` (all matching the seed-002 report's window and filters).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query

from clicktrail.deps import AffiliateCaller, NetworkCaller, ReadSession, State, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.wire import MAX_INT32
from clicktrail.postback import resend, service
from clicktrail.postback.schemas import AffiliatePixelIn, NetworkPixelIn, PixelReportIn

router = APIRouter(tags=["pixels"])

PixelId = Annotated[PathId, Path(ge=1, le=MAX_INT32, description="The pixel's network_pixel_id.")]
FilterParam = Annotated[
    list[str] | None, Query(alias="filter", description="Everflow filter: field=value.")
]
OptionalText = Annotated[str | None, Query()]
ConversionId = Annotated[
    str,
    Path(
        pattern="^[0-9a-f]{32}$",
        description="The conversion whose postback to resend (32 lower-case hex).",
    ),
]


def _filters(
    filter_: list[str] | None,
    **params: str | None,
) -> dict[str, Any]:
    return service.parse_filters(params, filter_ or [])


# --- network realm --------------------------------------------------------------------------


@router.get("/v1/networks/pixels")
async def network_list_pixels(
    session: ReadSession,
    _: NetworkCaller,
    filter_: FilterParam = None,
    network_offer_id: OptionalText = None,
    network_affiliate_id: OptionalText = None,
    network_offer_payout_revenue_id: OptionalText = None,
    pixel_status: OptionalText = None,
    pixel_type: OptionalText = None,
    delivery_method: OptionalText = None,
) -> dict[str, Any]:
    """Every pixel, optionally filtered (query parameters or ``filter=field=value``)."""
    filters = _filters(
        filter_,
        network_offer_id=network_offer_id,
        network_affiliate_id=network_affiliate_id,
        network_offer_payout_revenue_id=network_offer_payout_revenue_id,
        pixel_status=pixel_status,
        pixel_type=pixel_type,
        delivery_method=delivery_method,
    )
    pixels = await service.list_pixels(session, filters, affiliate_id=None)
    return {"pixels": await service.pixels_to_wire(session, pixels)}


@router.post("/v1/networks/pixels")
async def network_create_pixel(
    body: NetworkPixelIn, session: WriteSession, state: State, _: NetworkCaller
) -> dict[str, Any]:
    """Create a partner postback (pixel) for an affiliate, an offer, or both."""
    pixel = await service.create_pixel(
        session, body, affiliate_id=None, allow_private=state.settings.postback_allow_private
    )
    return (await service.pixels_to_wire(session, [pixel]))[0]


@router.get("/v1/networks/pixels/{pixel_id}")
async def network_get_pixel(
    pixel_id: PixelId, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    pixel = await service.get_pixel(session, pixel_id, affiliate_id=None)
    return (await service.pixels_to_wire(session, [pixel]))[0]


@router.put("/v1/networks/pixels/{pixel_id}")
async def network_update_pixel(
    pixel_id: PixelId, body: NetworkPixelIn, session: WriteSession, state: State, _: NetworkCaller
) -> dict[str, Any]:
    """Replace a pixel. Setting it active again resumes the postbacks paused meanwhile."""
    pixel = await service.update_pixel(
        session,
        pixel_id,
        body,
        affiliate_id=None,
        allow_private=state.settings.postback_allow_private,
    )
    return (await service.pixels_to_wire(session, [pixel]))[0]


@router.delete("/v1/networks/pixels/{pixel_id}")
async def network_delete_pixel(
    pixel_id: PixelId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Delete a pixel; its unsent postbacks are canceled, its history stays reportable."""
    await service.delete_pixel(session, pixel_id, affiliate_id=None)
    return {"result": True}


@router.post("/v1/networks/pixels/resend")
async def network_resend_postbacks(
    body: PixelReportIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Resend every failed postback in the window matching the filters (the postback
    report's body): due now, or paused until its pixel is active again."""
    return await resend.resend_matching(session, body, affiliate_id=None)


@router.post("/v1/networks/pixels/{pixel_id}/postbacks/{conversion_id}/resend")
async def network_resend_postback(
    pixel_id: PixelId, conversion_id: ConversionId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Resend one failed postback (409 if it did not fail)."""
    return await resend.resend_one(session, pixel_id, conversion_id, affiliate_id=None)


# --- affiliate realm ------------------------------------------------------------------------


@router.get("/v1/affiliates/pixels")
async def affiliate_list_pixels(
    session: ReadSession,
    caller: AffiliateCaller,
    filter_: FilterParam = None,
    network_offer_id: OptionalText = None,
    network_offer_payout_revenue_id: OptionalText = None,
    pixel_status: OptionalText = None,
    pixel_type: OptionalText = None,
    delivery_method: OptionalText = None,
) -> dict[str, Any]:
    """The caller's own pixels."""
    filters = _filters(
        filter_,
        network_offer_id=network_offer_id,
        network_offer_payout_revenue_id=network_offer_payout_revenue_id,
        pixel_status=pixel_status,
        pixel_type=pixel_type,
        delivery_method=delivery_method,
    )
    pixels = await service.list_pixels(session, filters, affiliate_id=caller.affiliate_id)
    return {"pixels": await service.pixels_to_wire(session, pixels)}


@router.post("/v1/affiliates/pixels")
async def affiliate_create_pixel(
    body: AffiliatePixelIn, session: WriteSession, state: State, caller: AffiliateCaller
) -> dict[str, Any]:
    pixel = await service.create_pixel(
        session,
        body,
        affiliate_id=caller.affiliate_id,
        allow_private=state.settings.postback_allow_private,
    )
    return (await service.pixels_to_wire(session, [pixel]))[0]


@router.get("/v1/affiliates/pixels/{pixel_id}")
async def affiliate_get_pixel(
    pixel_id: PixelId, session: ReadSession, caller: AffiliateCaller
) -> dict[str, Any]:
    pixel = await service.get_pixel(session, pixel_id, affiliate_id=caller.affiliate_id)
    return (await service.pixels_to_wire(session, [pixel]))[0]


@router.put("/v1/affiliates/pixels/{pixel_id}")
async def affiliate_update_pixel(
    pixel_id: PixelId,
    body: AffiliatePixelIn,
    session: WriteSession,
    state: State,
    caller: AffiliateCaller,
) -> dict[str, Any]:
    pixel = await service.update_pixel(
        session,
        pixel_id,
        body,
        affiliate_id=caller.affiliate_id,
        allow_private=state.settings.postback_allow_private,
    )
    return (await service.pixels_to_wire(session, [pixel]))[0]


@router.delete("/v1/affiliates/pixels/{pixel_id}")
async def affiliate_delete_pixel(
    pixel_id: PixelId, session: WriteSession, caller: AffiliateCaller
) -> dict[str, Any]:
    await service.delete_pixel(session, pixel_id, affiliate_id=caller.affiliate_id)
    return {"result": True}


@router.post("/v1/affiliates/pixels/resend")
async def affiliate_resend_postbacks(
    body: PixelReportIn, session: WriteSession, caller: AffiliateCaller
) -> dict[str, Any]:
    """Resend the caller's failed postbacks in the window matching the filters."""
    return await resend.resend_matching(session, body, affiliate_id=caller.affiliate_id)


@router.post("/v1/affiliates/pixels/{pixel_id}/postbacks/{conversion_id}/resend")
async def affiliate_resend_postback(
    pixel_id: PixelId, conversion_id: ConversionId, session: WriteSession, caller: AffiliateCaller
) -> dict[str, Any]:
    """Resend one failed postback of the caller's own pixel."""
    return await resend.resend_one(
        session, pixel_id, conversion_id, affiliate_id=caller.affiliate_id
    )
