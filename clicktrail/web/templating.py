"""``render()``: a page from a Jinja2 template (autoescaped) with what every page needs.

Injected into every template: ``request``, ``user`` (``guard.SignedIn`` or None),
``csrf_token``, ``nav`` (the items the user's role may see, each with ``current``),
``network`` (``guard.NetworkInfo``: name, timezone, currency), ``flashes`` and
``static(name)``. Filters (clicktrail/web/format.py): ``money``, ``percent``, ``number``,
``dt``, ``date``; ``money`` and ``dt``/``date`` default to the network's currency and zone.

After a successful form: ``return flash_redirect("/app/offers/7", "Offer saved.")``
(POST-redirect-GET; the next page shows the message). A refused form:
``errors = await form_errors(session, exc)`` rolls the write session back and gives
``{field: message}`` for the ``field(..., error=errors.get(name))`` macro; re-render with
status 400.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, pass_context, select_autoescape
from jinja2.runtime import Context
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import ClicktrailError
from clicktrail.web import format as fmt
from clicktrail.web.guard import DEFAULT_NETWORK, NetworkInfo, SignedIn
from clicktrail.web.nav import menu_for

FLASH_COOKIE = "ct_flash"
LOGIN_CSRF_COOKIE = "ct_login"
STATIC_DIR = Path(__file__).parent / "static"


def _asset_version() -> str:
    digest = hashlib.sha256()
    for path in sorted(STATIC_DIR.glob("*")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


_VERSION = _asset_version()


def static(name: str) -> str:
    """The URL of a static file (``app.css``, ``vendor/pico.min.css``), cache-busted."""
    return f"/static/{name}?v={_VERSION}"


def _network(context: Context) -> NetworkInfo:
    found = context.get("network")
    return found if isinstance(found, NetworkInfo) else DEFAULT_NETWORK


@pass_context
def _money(context: Context, value: object, currency: str | None = None) -> str:
    return fmt.money(value, currency if currency is not None else _network(context).currency)


@pass_context
def _dt(context: Context, value: Any) -> str:
    return fmt.dt(value, _network(context).zone)


@pass_context
def _date(context: Context, value: Any) -> str:
    return fmt.date(value, _network(context).zone)


ENV = Environment(
    loader=PackageLoader("clicktrail.web", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
ENV.filters.update(money=_money, percent=fmt.percent, number=fmt.number, dt=_dt, date=_date)
#: The token of the page being rendered, for the ``csrf_field()`` macro.
_CSRF: ContextVar[str] = ContextVar("web_csrf_token", default="")


def current_csrf_token() -> str:
    return _CSRF.get()


ENV.globals.update(static=static, current_csrf_token=current_csrf_token)


def _read_flashes(request: Request) -> list[dict[str, str]]:
    raw = request.cookies.get(FLASH_COOKIE)
    if not raw:
        return []
    try:
        found = json.loads(base64.urlsafe_b64decode(raw.encode()))
    except (ValueError, binascii.Error):
        return []
    if not isinstance(found, list):
        return []
    return [
        {"level": str(f.get("level", "info")), "message": str(f.get("message", ""))}
        for f in found[:5]
        if isinstance(f, dict)
    ]


def render(
    request: Request,
    template_name: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    user = getattr(request.state, "web_user", None)
    signed = user if isinstance(user, SignedIn) else None
    path = request.url.path
    nav = [
        {
            "label": item.label,
            "href": item.href,
            "current": path == item.href
            or (item.href.count("/") > 2 and path.startswith(item.href)),
        }
        for item in menu_for(signed.role if signed else None)
    ]
    values: dict[str, Any] = {
        "request": request,
        "user": signed,
        "csrf_token": signed.csrf_token if signed else getattr(request.state, "login_csrf", ""),
        "nav": nav,
        "network": getattr(request.state, "web_network", DEFAULT_NETWORK),
        "flashes": _read_flashes(request),
    }
    values.update(context or {})
    reset = _CSRF.set(values["csrf_token"])
    try:
        html = ENV.get_template(template_name).render(values)
    finally:
        _CSRF.reset(reset)
    response = HTMLResponse(html, status_code=status_code)
    if FLASH_COOKIE in request.cookies:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def flash_redirect(url: str, message: str, level: str = "success") -> RedirectResponse:
    """303 to ``url`` (a local path); the page there shows ``message`` once."""
    response = RedirectResponse(url, status_code=303)
    payload = json.dumps([{"level": level, "message": message[:500]}]).encode()
    response.set_cookie(
        FLASH_COOKIE,
        base64.urlsafe_b64encode(payload).decode(),
        max_age=60,
        path="/",
        httponly=True,
        samesite="lax",
    )
    return response


async def form_errors(session: AsyncSession, exc: ClicktrailError) -> dict[str, str]:
    """Roll back what the refused form wrote and say what was wrong, by field ("" when the
    error names none)."""
    await session.rollback()
    errors = dict(getattr(exc, "errors", {}) or {})
    if not errors:
        errors[exc.field or ""] = exc.message
    return errors
