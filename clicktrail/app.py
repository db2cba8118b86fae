"""create_app(): one ASGI application for the whole server.

Requests are split by path before any framework sees them: the API surfaces, OpenAPI and
the operations endpoints go to FastAPI; everything else is the tracking host, a small
Starlette app (the hot path: no OpenAPI, no per-request dependency injection).
"""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from clicktrail import __version__
from clicktrail.config import Settings, get_settings
from clicktrail.db import Database
from clicktrail.dialects import dialect_for_path, render
from clicktrail.errors import (
    ClicktrailError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    ValidationFailed,
)
from clicktrail.kit.asgi import respond
from clicktrail.openapi import install as install_openapi
from clicktrail.ops.failures import ApiBoundary, TrackingBoundary, internal_error
from clicktrail.ops.logging import configure_logging
from clicktrail.ops.metrics import HTTP_REQUESTS
from clicktrail.ops.runtime import tune_gc
from clicktrail.state import AppState
from clicktrail.validation import describe_validation_error

log = structlog.get_logger("clicktrail.app")

#: Where the documentation pages' scripts, styles and favicon are served.
DOCS_ASSETS = "/docs/assets"

API_PREFIXES = (
    "/v1/",
    "/api/",
    "/docs",
    "/redoc",
    "/openapi.json",
    "/healthz",
    "/readyz",
    "/metrics",
)
#: The console, the partner portal, the advertiser pages and their files (clicktrail/web).
#: With their slash: a tracking link's 8-character code may begin with "app" or "partner".
WEB_PREFIXES = ("/app/", "/partner/", "/advertiser/", "/static/")
WEB_ROOTS = frozenset({"/app", "/partner", "/advertiser"})
#: Parameters that make ``GET /`` an advertiser postback rather than a visit.
_POSTBACK_KEYS = (b"nid=", b"transaction_id=")


def is_visit(scope: Scope) -> bool:
    """``GET /`` without advertiser-postback parameters: a person, sent to the console."""
    if scope["method"] != "GET":
        return False
    query: bytes = scope.get("query_string", b"")
    return not any(
        part.startswith(_POSTBACK_KEYS) for part in query.replace(b";", b"&").split(b"&")
    )


def _render(request: Request, exc: ClicktrailError) -> JSONResponse:
    dialect = dialect_for_path(request.url.path)
    response = render(dialect, exc)
    HTTP_REQUESTS.labels(dialect, f"{response.status_code // 100}xx").inc()
    return response


def create_api(state: AppState) -> FastAPI:
    from clicktrail.routers import ROUTERS

    # /docs and /redoc load Swagger UI and ReDoc from the installed fastapi-offline package,
    # served under /docs/assets, never from a CDN: they work on a host without internet.
    api = FastAPIOffline(
        static_url=DOCS_ASSETS,
        title="clicktrail",
        version=__version__,
        description=(
            "Self-hosted affiliate tracking. Everflow-compatible Network and Affiliate APIs "
            "(X-Eflow-API-Key), Scaleo-compatible /api/v2 (?api-key=), Affonso-compatible "
            "/v1/clicks, /v1/signups, /v1/conversions (Authorization: Bearer)."
        ),
    )
    api.state.ct = state
    for router in ROUTERS:
        api.include_router(router)
    install_openapi(api)

    @api.exception_handler(ClicktrailError)
    async def _domain_error(request: Request, exc: ClicktrailError) -> JSONResponse:
        return _render(request, exc)

    @api.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        field, message, errors = describe_validation_error(exc)
        return _render(request, ValidationFailed(message, field=field, errors=errors))

    @api.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error: ClicktrailError
        if exc.status_code == 404:
            error = NotFound("Not found")
        elif exc.status_code == 400:  # a body FastAPI could not decode (not UTF-8, bad form)
            error = ValidationFailed(f"body: {str(exc.detail).lower()}", field="body")
        elif exc.status_code == 413:
            error = PayloadTooLarge(str(exc.detail), field="body")
        elif exc.status_code == 401:
            error = Unauthorized(str(exc.detail))
        elif exc.status_code == 403:
            error = Forbidden(str(exc.detail))
        else:
            error = ClicktrailError(str(exc.detail))
            error.status_code = exc.status_code
        return _render(request, error)

    @api.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return _render(request, internal_error(request.scope, exc))

    return api


class ClicktrailApp:
    """The root ASGI app: lifespan, then a path split between the API and tracking apps."""

    def __init__(
        self, state: AppState, api: ASGIApp, tracking: ASGIApp, web: ASGIApp | None = None
    ) -> None:
        self.state = state
        self.api = api
        self.tracking = tracking
        self.web = web

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            await self._lifespan(receive, send)
            return
        path: str = scope.get("path", "/")
        if path.startswith(API_PREFIXES):
            await self.api(scope, receive, send)
        elif self.web is not None and (path.startswith(WEB_PREFIXES) or path in WEB_ROOTS):
            await self.web(scope, receive, send)
        elif path == "/" and kind == "http" and is_visit(scope):
            await respond(send, 302, [(b"location", b"/app/")])
        else:
            await self.tracking(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self.state.start()
                except Exception as exc:
                    log.exception("startup_failed")
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                tune_gc()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.state.stop()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(settings: Settings | None = None, *, db: Database | None = None) -> ClicktrailApp:
    """The server's application; ``db`` is the database to use (by default a new one on
    ``settings.database_url``; the test suite passes one that lives across its tests)."""
    from clicktrail.abuse.gate import ApiGate
    from clicktrail.audit import capture
    from clicktrail.services import build_services
    from clicktrail.tracking.app import create_tracking_app
    from clicktrail.web.app import create_web_app

    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    state = AppState(settings, db)
    capture.install(state.db)  # the audit log: every ORM change of configuration (ADR 0086)
    state.services.extend(build_services(state))
    api = ApiBoundary(ApiGate(create_api(state), state))
    web = ApiBoundary(create_web_app(state))
    return ClicktrailApp(state, api, TrackingBoundary(create_tracking_app(state)), web)
