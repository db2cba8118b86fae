"""``/app/login`` (GET shows the form, POST signs in) and ``/app/logout`` (POST ends the
session on the server). ADR 0084.

The sign-in form has its own CSRF token (there is no session yet): a random value in the
``ct_login`` cookie that the form must repeat. ``next`` is followed only when it is a local
path inside the signed-in user's part of the site.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from clicktrail.deps import WriteSession, get_state
from clicktrail.errors import TooManyRequests, Unauthorized
from clicktrail.kit.clientip import ClientIpResolver
from clicktrail.users import service, throttle
from clicktrail.users.roles import landing
from clicktrail.web.guard import SESSION_COOKIE, WebUser
from clicktrail.web.templating import LOGIN_CSRF_COOKIE, flash_redirect, render

router = APIRouter()
MAX_NEXT = 2000


def _resolver(request: Request) -> ClientIpResolver:
    state = get_state(request)
    found = state.components.get("web_client_ip")
    if not isinstance(found, ClientIpResolver):
        found = ClientIpResolver(state.settings.trusted_proxies)
        state.components["web_client_ip"] = found
    return found


def client_address(request: Request) -> str:
    peer = request.client.host if request.client else None
    return _resolver(request).resolve(peer, request.headers.get("x-forwarded-for")) or "-"


def is_https(request: Request) -> bool:
    """https, or http from a trusted proxy that says the visitor used https."""
    if request.url.scheme == "https":
        return True
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return forwarded == "https" and _resolver(request).trusts(peer)


def safe_next(next_path: str | None, role: str) -> str:
    """``next`` when it is a local path in ``role``'s part of the site, else its landing."""
    home = landing(role)
    if (
        not next_path
        or len(next_path) > MAX_NEXT
        or not next_path.startswith(home)
        or next_path.startswith("//")
        or "\\" in next_path
        or any(ord(c) < 32 for c in next_path)
    ):
        return home
    return next_path


def _form(
    request: Request,
    *,
    next_path: str = "",
    email: str = "",
    error: str = "",
    status_code: int = 200,
) -> Response:
    token = secrets.token_urlsafe(24)
    request.state.login_csrf = token
    response = render(
        request,
        "signin.html",
        {"next": next_path[:MAX_NEXT], "email": email, "error": error},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/app/login",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )
    return response


@router.get("/app/login", include_in_schema=False)
async def login_form(request: Request, next: str = "") -> Response:
    """The form; a browser that is signed in already goes on to ``next`` (or its home)."""
    async with get_state(request).db.read() as session:
        signed = await service.session_user(session, request.cookies.get(SESSION_COOKIE))
    if signed is not None:
        return RedirectResponse(safe_next(next, signed[0].role), status_code=303)
    return _form(request, next_path=next)


@router.post("/app/login", include_in_schema=False)
async def login(
    request: Request,
    session: WriteSession,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    next: Annotated[str, Form(max_length=MAX_NEXT)] = "",
    csrf_token: Annotated[str, Form(max_length=128)] = "",
) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(csrf_token.encode(), expected.encode()):
        return _form(
            request,
            next_path=next,
            email=email,
            error="The form expired or did not come from this site. Please try again.",
            status_code=403,
        )
    try:
        user = await service.verify_credentials(session, email, password, client_address(request))
    except TooManyRequests as exc:
        response = _form(request, next_path=next, email=email, error=exc.message, status_code=429)
        response.headers["retry-after"] = str(int(throttle.WINDOW.total_seconds()))
        return response
    except Unauthorized as exc:
        return _form(request, next_path=next, email=email, error=exc.message, status_code=401)
    _web_session, raw = await service.start_session(session, user, client_address(request))
    response = RedirectResponse(safe_next(next, user.role), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        raw,
        max_age=int(service.SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=is_https(request),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/app/login")
    return response


@router.post("/app/logout", include_in_schema=False)
async def logout(request: Request, user: WebUser, session: WriteSession) -> Response:
    raw = request.cookies.get(SESSION_COOKIE, "")
    await service.end_session(session, raw)
    response = flash_redirect("/app/login", "You are signed out.", "info")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
