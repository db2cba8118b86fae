"""``create_web_app()``: the console, the partner portal and their static files, a FastAPI
instance of its own (no OpenAPI: the API's document and its fuzz tests stay as they are).
ADR 0085.

Every answer carries the security headers below; pages (everything but /static/) are
``no-store``. Errors are pages, not JSON: not signed in -> 303 to the sign-in page, wrong
role or CSRF -> 403 page, a domain error -> its status with its message, anything else ->
a 500 page that names the request id in the log.
"""

from __future__ import annotations

from urllib.parse import quote

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clicktrail.abuse.body import BodyTooLarge, declared_too_large, limited
from clicktrail.errors import ClicktrailError
from clicktrail.ops.failures import internal_error
from clicktrail.state import AppState
from clicktrail.validation import describe_validation_error
from clicktrail.web.guard import PageForbidden, SignInRequired
from clicktrail.web.templating import render

log = structlog.get_logger("clicktrail.web")

CSP = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
]
_NO_STORE = (b"cache-control", b"no-store")


class WebBoundary:
    """Around the web app: a body limit, and the security headers on every answer."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})
        page = not scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (name, value)
                    for name, value in message.get("headers", [])
                    if not (page and name == b"cache-control")
                ]
                headers.extend(_HEADERS)
                if page:
                    headers.append(_NO_STORE)
                message = {**message, "headers": headers}
            await send(message)

        if declared_too_large(scope, self.max_body):
            response = Response("Request body too large", status_code=413)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, limited(receive, self.max_body), send_with_headers)


def _error_page(request: Request, status: int, title: str, message: str) -> Response:
    return render(request, "error.html", {"title": title, "message": message}, status)


def create_web_app(state: AppState) -> FastAPI:
    from clicktrail.web.pages import PAGE_ROUTERS

    web = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    web.state.ct = state
    for router in PAGE_ROUTERS:
        web.include_router(router)
    web.add_middleware(WebBoundary, max_body=state.settings.max_body_bytes)

    @web.exception_handler(SignInRequired)
    async def _sign_in(request: Request, exc: SignInRequired) -> Response:
        return RedirectResponse(f"/app/login?next={quote(exc.next_path, safe='')}", 303)

    @web.exception_handler(PageForbidden)
    async def _forbidden(request: Request, exc: PageForbidden) -> Response:
        return _error_page(request, 403, "Not allowed", exc.message)

    @web.exception_handler(ClicktrailError)
    async def _domain(request: Request, exc: ClicktrailError) -> Response:
        status = exc.status_code if 400 <= exc.status_code < 600 else 500
        return _error_page(request, status, "That did not work", exc.message)

    @web.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        field, message, _errors = describe_validation_error(exc)
        return _error_page(request, 400, "Bad request", f"{field}: {message}")

    @web.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        if isinstance(exc, BodyTooLarge):
            return _error_page(request, 413, "Too large", str(exc.detail))
        titles = {404: "Page not found", 405: "Method not allowed"}
        title = titles.get(exc.status_code, "Request refused")
        message = "There is no such page." if exc.status_code == 404 else str(exc.detail)
        return _error_page(request, exc.status_code, title, message)

    @web.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        error = internal_error(request.scope, exc)
        return _error_page(request, 500, "Something went wrong", error.message)

    return web
