"""Unexpected failures: a generic 500 that names a request id, and a log line that carries the
id and the exception. Driver and exception text never reach the client.

API requests get an ``X-Request-ID`` on every answer (a client's own id is kept when it is
short and plain, so callers can match their logs to ours); the tracking host makes one only
for a failure, keeping its hot path as it was.
"""

from __future__ import annotations

import contextlib
import re
import secrets

import orjson
import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clicktrail.dialects import dialect_for_path, render
from clicktrail.errors import ClicktrailError
from clicktrail.kit.asgi import respond

HEADER = b"x-request-id"
_PLAIN_ID = re.compile(rb"[A-Za-z0-9._-]{8,64}")


def new_request_id() -> str:
    return secrets.token_hex(16)


def incoming_id(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == HEADER and _PLAIN_ID.fullmatch(value):
            return str(value.decode("ascii"))
    return new_request_id()


def request_id_of(scope: Scope) -> str:
    """The request's id (set by the boundary; made here when there is none)."""
    state = scope.setdefault("state", {})
    found = state.get("request_id")
    if not isinstance(found, str):
        found = state["request_id"] = new_request_id()
    return found


def internal_error(scope: Scope, exc: BaseException) -> ClicktrailError:
    """Log ``exc`` with the request's id; the generic error to answer instead."""
    request_id = request_id_of(scope)
    scope["state"]["failure_logged"] = True
    # A logger got per failure (rare), so the current logging configuration applies.
    structlog.get_logger("clicktrail.app").error(
        "unhandled_error",
        request_id=request_id,
        method=scope.get("method"),
        path=scope.get("path"),
        exc_info=exc,
    )
    return ClicktrailError(f"Internal server error (request id {request_id})")


class ApiBoundary:
    """Around the API surfaces: a request id on every answer; an exception that escaped the
    framework's own handler answered (if nothing was sent yet) and logged once."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = incoming_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        id_header = (HEADER, request_id.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message = {**message, "headers": [*message.get("headers", []), id_header]}
            await send(message)

        try:
            with structlog.contextvars.bound_contextvars(request_id=request_id):
                await self.app(scope, receive, send_with_id)
        except Exception as exc:
            if scope["state"].get("failure_logged"):
                if not started:
                    raise
                return
            error = internal_error(scope, exc)
            if started:
                return
            response = render(dialect_for_path(scope["path"]), error)
            await response(scope, receive, send_with_id)


class TrackingBoundary:
    """Around the tracking host: an exception becomes a generic 500 with a request id
    (JSON for the advertiser postback on ``/``, text elsewhere). Nothing wraps ``send`` on
    this hot path: a failure after the answer started just ends the connection."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            if scope["type"] != "http":
                raise
            error = internal_error(scope, exc)
            request_id = request_id_of(scope)
            headers = [(HEADER, request_id.encode())]
            if scope["path"] == "/":
                headers.append((b"content-type", b"application/json"))
                body = orjson.dumps({"error": error.message, "request_id": request_id})
            else:
                headers.append((b"content-type", b"text/plain; charset=utf-8"))
                body = error.message.encode()
            with contextlib.suppress(Exception):  # the answer had started already
                await respond(send, 500, headers, body)
