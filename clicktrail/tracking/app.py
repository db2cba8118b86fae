"""The tracking host: tracking links, the redirect, server-side clicks, advertiser postbacks.

Placeholder until the click-tracking work lands: every path answers a plain 404.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from clicktrail.state import AppState


async def _not_found(_request: object) -> PlainTextResponse:
    return PlainTextResponse("Not Found", status_code=404)


def create_tracking_app(state: AppState) -> ASGIApp:
    return Starlette(routes=[Route("/{path:path}", _not_found)])
