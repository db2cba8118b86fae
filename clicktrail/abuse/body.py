"""The request-body limit: a declared length over it is refused before a byte is read; a
chunked body is cut off as soon as it passes it."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import Message, Receive, Scope

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` once a body passes the limit. An HTTPException, so that a
    framework parsing the body hands it on (FastAPI turns other errors into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body is larger than {limit} bytes")
        self.limit = limit


def declared_too_large(scope: Scope, limit: int) -> bool:
    """True when the request's Content-Length is over ``limit`` (or not a number)."""
    if scope["method"] not in _BODY_METHODS:
        return False
    for name, value in scope["headers"]:
        if name == b"content-length":
            return not value.isdigit() or int(value) > limit
    return False


def limited(receive: Receive, limit: int) -> Receive:
    """``receive`` that raises ``BodyTooLarge`` once more than ``limit`` bytes came in."""
    seen = 0

    async def receive_limited() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message

    return receive_limited
