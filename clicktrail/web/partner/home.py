"""``/partner/``: the partner portal's home (the portal's dashboard replaces this)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clicktrail.web.guard import PartnerUser
from clicktrail.web.templating import render

router = APIRouter()


@router.get("/partner/", include_in_schema=False)
async def home(request: Request, user: PartnerUser) -> Response:
    return render(request, "partner/home.html", {"affiliate_id": user.affiliate_id})
