"""Everflow Network API ``/v1/networks/couponcodes`` and Affiliate API
``/v1/affiliates/couponcodes``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from clicktrail.coupon import service
from clicktrail.coupon.schemas import (
    BulkIn,
    CouponCodeIn,
    affiliate_coupon_code_out,
    coupon_code_out,
)
from clicktrail.deps import AffiliateCaller, NetworkCaller, ReadSession, State, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging

router = APIRouter(tags=["coupon codes"])

FilterParam = Annotated[
    list[str] | None,
    Query(
        alias="filter",
        max_length=8,
        description="Everflow filter: coupon_status, coupon_code, network_offer_id or "
        "network_affiliate_id = value (repeatable).",
    ),
]


@router.post("/v1/networks/couponcodes")
async def create_coupon_code(
    body: CouponCodeIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Create a coupon code; answers the stored code."""
    return coupon_code_out(await service.create(session, body))


@router.post("/v1/networks/couponcodes/bulk")
async def create_coupon_codes(
    body: Annotated[BulkIn, Body()], session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Create up to 500 coupon codes, all or none; errors name the item (``[2].coupon_code``)."""
    coupons = await service.create_many(session, body)
    return {"coupon_codes": [coupon_code_out(c) for c in coupons]}


@router.get("/v1/networks/couponcodes")
async def list_coupon_codes(
    session: ReadSession, _: NetworkCaller, page: PageParams, filter_: FilterParam = None
) -> dict[str, Any]:
    """Coupon codes by id, filtered and paged with ``page`` and ``page_size``."""
    filters = service.parse_filters(filter_ or [])
    rows, total = await service.page(session, filters, page)
    return {
        "coupon_codes": [coupon_code_out(c) for c in rows],
        "paging": paging(page, total).model_dump(),
    }


@router.get("/v1/networks/couponcodes/{coupon_code_id}")
async def get_coupon_code(
    coupon_code_id: PathId, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """One coupon code; 404 when it does not exist."""
    return coupon_code_out(await service.get(session, coupon_code_id))


@router.put("/v1/networks/couponcodes/{coupon_code_id}")
async def replace_coupon_code(
    coupon_code_id: PathId, body: CouponCodeIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Replace a coupon code (omitted fields go back to their defaults, as Everflow's PUT)."""
    return coupon_code_out(await service.replace(session, coupon_code_id, body))


@router.delete("/v1/networks/couponcodes/{coupon_code_id}")
async def delete_coupon_code(
    coupon_code_id: PathId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Delete a coupon code for good; conversions keep the code they were recorded with."""
    await service.delete(session, coupon_code_id)
    return {"result": True}


@router.get("/v1/affiliates/couponcodes")
async def affiliate_coupon_codes(
    session: ReadSession, caller: AffiliateCaller, state: State
) -> dict[str, Any]:
    """The calling affiliate's active coupon codes on offers it may run now, each with a
    tracking link carrying the code."""
    pairs = await service.for_affiliate(session, state.settings, caller.affiliate_id)
    return {"coupon_codes": [affiliate_coupon_code_out(p.coupon, p.tracking_link) for p in pairs]}
