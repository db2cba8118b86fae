"""Refusals of the API gate, in the dialect of the surface asked (dialects.py)."""

from __future__ import annotations

from starlette.types import Receive, Scope, Send

from clicktrail.abuse.limiter import Verdict
from clicktrail.dialects import dialect_for_path, render
from clicktrail.errors import ClicktrailError, PayloadTooLarge, TooManyRequests


async def refuse(
    scope: Scope,
    receive: Receive,
    send: Send,
    error: ClicktrailError,
    headers: dict[str, str] | None = None,
) -> None:
    response = render(dialect_for_path(scope["path"]), error)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    await response(scope, receive, send)


async def too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """413; the connection is closed after it, so the rest of the body is never read."""
    error = PayloadTooLarge(f"request body is larger than {limit} bytes", field="body")
    await refuse(scope, receive, send, error, {"connection": "close"})


def rate_headers(verdict: Verdict) -> dict[str, str]:
    """Everflow's quota headers (developers.everflow.io, "Rate Limiting")."""
    return {
        "x-ratelimit-limit": str(verdict.limit),
        "x-ratelimit-remaining": str(verdict.remaining),
    }


async def too_many(
    scope: Scope, receive: Receive, send: Send, verdict: Verdict, message: str
) -> None:
    headers = {"retry-after": str(verdict.retry_after), **rate_headers(verdict)}
    await refuse(scope, receive, send, TooManyRequests(message), headers)
