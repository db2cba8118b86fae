"""Plain ASGI responses for the hot paths (no framework objects)."""

from __future__ import annotations

from starlette.types import Send


async def respond(
    send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> None:
    """Send a complete response: ``headers`` plus ``content-length``, then ``body``."""
    headers.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
