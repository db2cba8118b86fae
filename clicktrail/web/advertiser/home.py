"""``/advertiser/``: an advertiser user's home (its offers' stats come later)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from clicktrail.web.guard import AdvertiserUser
from clicktrail.web.templating import render

router = APIRouter()


@router.get("/advertiser/", include_in_schema=False)
async def home(request: Request, user: AdvertiserUser) -> Response:
    return render(request, "advertiser/home.html", {"advertiser_id": user.advertiser_id})
