"""The offer page's coupon codes: the list, and forms to add one or delete one. Goes through
the API's coupon service (clicktrail/coupon/service.py), so a code is checked as
``POST /v1/networks/couponcodes`` checks it (ADR 0104)."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.coupon import service
from clicktrail.coupon.schemas import CouponCodeIn
from clicktrail.deps import WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageRequest
from clicktrail.models import CouponCode
from clicktrail.offer.service import get_offer
from clicktrail.web.console.forms import FORM, read_form, save_form
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.templating import flash_redirect

router = APIRouter(include_in_schema=False)

#: Most codes the offer page lists (the API pages through all).
SHOWN = PageRequest(page=1, page_size=200)
INPUTS = ("coupon_code", "network_affiliate_id", "coupon_status", "start_date", "end_date")


async def coupons_of(session: AsyncSession, offer_id: int) -> Sequence[CouponCode]:
    rows, _total = await service.page(session, {"network_offer_id": offer_id}, SHOWN)
    return rows


@router.post("/app/offers/{offer_id}/coupons")
async def add_coupon(
    offer_id: PathId, request: Request, session: WriteSession, _: ConsoleUser
) -> Response:
    await get_offer(session, offer_id)  # 404 for an unknown offer
    target = f"/app/offers/{offer_id}#coupons-title"
    state = read_form(await request.form(), INPUTS)
    if state.values["network_affiliate_id"] == "":
        state.values["network_affiliate_id"] = "0"

    async def write(body: CouponCodeIn) -> CouponCode:
        return await service.create(session, body)

    saved = await save_form(session, state, CouponCodeIn, {"network_offer_id": offer_id}, write)
    if saved is None:
        name, message = next(iter(state.errors.items()))
        text = message if name == FORM else f"{name}: {message}"
        return flash_redirect(target, f"Coupon code not added. {text}", "error")
    return flash_redirect(target, f"Coupon code {saved.coupon_code} added.")


@router.post("/app/offers/{offer_id}/coupons/{coupon_id}/delete")
async def delete_coupon(
    offer_id: PathId, coupon_id: PathId, session: WriteSession, _: ConsoleUser
) -> Response:
    target = f"/app/offers/{offer_id}#coupons-title"
    coupon = await service.get(session, coupon_id)
    if coupon.network_offer_id != offer_id:
        return flash_redirect(target, "That coupon code belongs to another offer.", "error")
    await service.delete(session, coupon_id)
    return flash_redirect(target, f"Coupon code {coupon.coupon_code} deleted.")
