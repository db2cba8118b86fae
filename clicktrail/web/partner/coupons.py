"""``/partner/coupons``: the affiliate's active coupon codes on offers it may run, with the
tracking link carrying each (the Affiliate API's ``/v1/affiliates/couponcodes``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from clicktrail.coupon.service import for_affiliate
from clicktrail.deps import ReadSession, State
from clicktrail.web.guard import PartnerUser
from clicktrail.web.templating import render

router = APIRouter()


@router.get("/partner/coupons", response_class=HTMLResponse)
async def coupon_list(
    request: Request, session: ReadSession, state: State, user: PartnerUser
) -> HTMLResponse:
    coupons = await for_affiliate(session, state.settings, user.affiliate_id)
    return render(request, "partner/coupons.html", {"coupons": coupons})
