"""Affonso-compatible endpoints: clicks, signups, referrals, conversions and refunds.

Authorization: Bearer <network key>. Successes are Affonso's ``{"success": true, "data"}``
envelope; errors are rendered in Affonso's dialect (``clicktrail/dialects.py``). Thin: parse,
call the service, shape the response. The write session commits before the response;
conversions are committed by the conversion writer before theirs (``writing.py``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from starlette.responses import JSONResponse

from clicktrail.deps import BearerCaller, ReadSession, State, WriteSession
from clicktrail.kit.ids import PathKey
from clicktrail.referral import affonso, commission, service, writing
from clicktrail.referral.affonso_schemas import (
    ClickIn,
    ConversionIn,
    ReferralStatus,
    ReferralUpdate,
    RefundIn,
    SignupIn,
)

router = APIRouter(tags=["affonso"])


@router.post("/v1/clicks", summary="Track a click for an affiliate's tracking id", status_code=201)
async def create_click(
    body: ClickIn, session: WriteSession, state: State, _: BearerCaller
) -> JSONResponse:
    captured = await service.create_click(session, body, state)
    return affonso.success(affonso.click_object(captured.click, captured.tracking_id), 201)


@router.post(
    "/v1/signups", summary="Turn a click into a lead referral (idempotent)", status_code=201
)
async def create_signup(body: SignupIn, session: WriteSession, _: BearerCaller) -> JSONResponse:
    signup = await service.signup(session, body)
    return affonso.success(affonso.referral_object(signup.referral), 201 if signup.created else 200)


@router.get("/v1/referrals", summary="List referrals (cursor-paginated)")
async def list_referrals(
    session: ReadSession,
    _: BearerCaller,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    starting_after: Annotated[str | None, Query(max_length=64)] = None,
    ending_before: Annotated[str | None, Query(max_length=64)] = None,
    affiliate_id: Annotated[str | None, Query(max_length=64)] = None,
    external_user_id: Annotated[str | None, Query(max_length=255)] = None,
    customer_id: Annotated[str | None, Query(max_length=255)] = None,
    status: ReferralStatus | None = None,
    order: Literal["asc", "desc"] = "desc",
    created_gte: datetime | None = None,
    created_lte: datetime | None = None,
) -> JSONResponse:
    rows, has_more = await service.list_referrals(
        session,
        limit=limit,
        order=order,
        starting_after=starting_after,
        ending_before=ending_before,
        affiliate_id=affiliate_id,
        external_user_id=external_user_id,
        customer_id=customer_id,
        status=status,
        created_gte=created_gte,
        created_lte=created_lte,
    )
    return affonso.success([affonso.referral_object(r) for r in rows], has_more=has_more)


@router.get("/v1/referrals/{referral_id}", summary="Get a referral")
async def get_referral(referral_id: PathKey, session: ReadSession, _: BearerCaller) -> JSONResponse:
    return affonso.success(
        affonso.referral_object(await service.get_referral(session, referral_id))
    )


@router.put("/v1/referrals/{referral_id}", summary="Update a referral (attach a customer_id)")
@router.patch("/v1/referrals/{referral_id}", include_in_schema=False)
async def update_referral(
    referral_id: PathKey, body: ReferralUpdate, session: WriteSession, _: BearerCaller
) -> JSONResponse:
    referral = await service.update_referral(session, referral_id, body)
    return affonso.success(affonso.referral_object(referral))


@router.post(
    "/v1/conversions",
    summary="Create a server-side conversion; the commission is computed from incentives",
    status_code=201,
)
async def create_conversion(body: ConversionIn, state: State, _: BearerCaller) -> JSONResponse:
    status, data = await writing.record(state, body)
    return affonso.success(data, status)


@router.get("/v1/conversions/{conversion_id}", summary="Get a referral conversion")
async def get_conversion(
    conversion_id: PathKey, session: ReadSession, _: BearerCaller
) -> JSONResponse:
    found = await commission.get(session, conversion_id)
    return affonso.success(affonso.conversion_object(found, replayed=False))


@router.post("/v1/conversions/{conversion_id}/refund", summary="Refund a conversion")
async def refund_conversion(
    conversion_id: PathKey, body: RefundIn, session: WriteSession, _: BearerCaller
) -> JSONResponse:
    outcome = await commission.refund(session, conversion_id, body)
    return affonso.success(affonso.conversion_object(outcome.commission, replayed=outcome.replayed))


def _mount_setup() -> None:
    from clicktrail.referral.admin_endpoints import router as setup_router

    router.include_router(setup_router)


_mount_setup()
