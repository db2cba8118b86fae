"""The role guards, on a console route added to the real web app for the test."""

from __future__ import annotations

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import Response

from clicktrail.app import ClicktrailApp
from clicktrail.db import Database
from clicktrail.web.guard import AdminUser, ConsoleUser, PartnerUser
from clicktrail.web.templating import render
from tests.fixtures.web import csrf, sign_in_as

probe = APIRouter()


@probe.get("/app/probe/console")
async def console_page(request: Request, user: ConsoleUser) -> Response:
    return render(request, "error.html", {"title": "network data", "message": user.role})


@probe.get("/app/probe/admin")
async def admin_page(request: Request, user: AdminUser) -> Response:
    return render(request, "error.html", {"title": "admin data", "message": user.role})


@probe.post("/partner/probe")
async def partner_action(request: Request, user: PartnerUser) -> Response:
    return Response(str(user.affiliate_id))


@pytest.fixture
def probed(app: ClicktrailApp) -> ClicktrailApp:
    web = app.web.app  # type: ignore[union-attr]  # ApiBoundary around the FastAPI app
    assert isinstance(web, FastAPI)
    web.include_router(probe)
    return app


@pytest.mark.parametrize(
    ("role", "console", "admin"),
    [("admin", 200, 200), ("manager", 200, 403), ("affiliate", 403, 403), ("advertiser", 403, 403)],
)
async def test_roles_are_enforced_on_the_server(
    probed: ClicktrailApp,
    web_client: httpx.AsyncClient,
    db: Database,
    role: str,
    console: int,
    admin: int,
) -> None:
    await sign_in_as(web_client, db, role)
    response = await web_client.get("/app/probe/console")
    assert response.status_code == console
    assert ("network data" in response.text) == (console == 200)
    assert (await web_client.get("/app/probe/admin")).status_code == admin


async def test_partner_action_checks_csrf_and_binds_the_affiliate(
    probed: ClicktrailApp, web_client: httpx.AsyncClient, db: Database
) -> None:
    user, _ = await sign_in_as(web_client, db, "affiliate")
    assert (await web_client.post("/partner/probe", data={})).status_code == 403
    token = await csrf(web_client, "/partner/")
    response = await web_client.post("/partner/probe", data={"csrf_token": token})
    assert response.status_code == 200
    assert response.text == str(user.network_affiliate_id)
