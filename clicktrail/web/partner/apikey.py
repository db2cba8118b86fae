"""``/partner/api-key``: the affiliate's own Affiliate API key (prefix, created, last used);
create or rotate it (the raw key is shown once, on the answer to that POST), revoke it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from clicktrail.auth import service
from clicktrail.deps import ReadSession, WriteSession
from clicktrail.kit.wire import MAX_INT32
from clicktrail.web.guard import PartnerUser
from clicktrail.web.templating import flash_redirect, render

router = APIRouter()

KeyId = Annotated[int, Path(ge=1, le=MAX_INT32)]


@router.get("/partner/api-key", response_class=HTMLResponse)
async def api_key(request: Request, session: ReadSession, user: PartnerUser) -> HTMLResponse:
    keys = await service.active_affiliate_keys(session, user.affiliate_id)
    return render(request, "partner/api_key.html", {"keys": keys, "raw": None})


@router.post("/partner/api-key", response_class=HTMLResponse)
async def rotate_api_key(
    request: Request, session: WriteSession, user: PartnerUser
) -> HTMLResponse:
    """A new key replaces any other; the page answering this POST is the only one that
    shows the raw key (it is stored hashed), and is not cached."""
    key, raw = await service.rotate_affiliate_key(session, user.affiliate_id)
    response = render(request, "partner/api_key.html", {"keys": [key], "raw": raw})
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/partner/api-key/{key_id}/revoke", response_model=None)
async def revoke_api_key(
    request: Request, key_id: KeyId, session: WriteSession, user: PartnerUser
) -> Response:
    await service.revoke_affiliate_key(session, user.affiliate_id, key_id)
    return flash_redirect("/partner/api-key", "API key revoked.")
