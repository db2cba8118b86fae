"""``/app/``: the console's home (the dashboard replaces this placeholder). An affiliate or
advertiser user who opens it goes to its own part of the site."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from clicktrail.users.roles import CONSOLE_ROLES, landing
from clicktrail.web.guard import WebUser
from clicktrail.web.templating import render

router = APIRouter()


@router.get("/app/", include_in_schema=False)
async def home(request: Request, user: WebUser) -> Response:
    if user.role not in CONSOLE_ROLES:
        return RedirectResponse(landing(user.role), status_code=303)
    return render(request, "console/home.html")
