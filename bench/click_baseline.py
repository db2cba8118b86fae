"""The click bench's baseline: the cheapest possible ASGI redirect (no parsing, no storage).

Served by the same uvicorn (uvloop + httptools, one worker) as clicktrail, it measures what
the server stack alone costs, so the click redirect can be reported as a ratio of it.
"""

from __future__ import annotations

from typing import Any

_START = {
    "type": "http.response.start",
    "status": 302,
    "headers": [(b"location", b"https://advertiser.example/landing"), (b"content-length", b"0")],
}
_BODY = {"type": "http.response.body", "body": b""}


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    await send(_START)
    await send(_BODY)
