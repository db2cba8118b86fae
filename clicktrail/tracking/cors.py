"""CORS for the tracking host's browser endpoints (``/sdk/*``), called with credentials.

A landing page on any domain calls the SDK endpoints with ``credentials: "include"`` so the
tracking host's own cookie travels with the request. A credentialed answer may not say
``Access-Control-Allow-Origin: *``: it names the request's ``Origin``, says
``Access-Control-Allow-Credentials: true`` and ``Vary: Origin`` (a shared cache keeps one
answer per origin). The endpoints are public by design, so every well-formed web origin is
answered; ``null`` (sandboxed frames, ``file:``) and anything malformed or over-long get no
CORS headers, and the browser keeps the answer from the page.

Preflights (``OPTIONS``) are answered here too, with a bounded list of methods and request
headers and a ``Max-Age`` that lets the browser skip them for a while. The SDK's calls are
simple GETs that need no preflight; the answer is for callers that add a header.

CONTRACT: ``cors_headers(scope)`` gives the headers to add to any answer of a browser
endpoint; ``preflight(scope, send)`` answers an ``OPTIONS`` request completely.
"""

from __future__ import annotations

from starlette.types import Scope, Send

from clicktrail.kit.asgi import respond

#: Longest ``Origin`` answered (scheme, host and port; real ones are far shorter).
MAX_ORIGIN = 256
ALLOW_METHODS = b"GET, POST, OPTIONS"
#: Request headers a caller may add (the SDK adds none).
ALLOW_HEADERS = b"Content-Type"
#: Seconds a browser may reuse a preflight's answer (Chromium caps it at two hours).
MAX_AGE = b"7200"

_VARY = (b"vary", b"Origin")
_ORIGIN_CHARS = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:[]")


def _well_formed(origin: bytes) -> bool:
    """``http(s)://host[:port]`` with nothing else: no path, user, spaces or controls."""
    if len(origin) > MAX_ORIGIN:
        return False
    if origin.startswith(b"https://"):
        rest = origin[8:]
    elif origin.startswith(b"http://"):
        rest = origin[7:]
    else:
        return False
    return bool(rest) and all(byte in _ORIGIN_CHARS for byte in rest)


def request_origin(scope: Scope) -> bytes | None:
    """The request's ``Origin`` when it is one to answer, else None."""
    for name, value in scope["headers"]:
        if name == b"origin":
            return value if _well_formed(value) else None
    return None


def cors_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """The headers a browser needs to hand a credentialed answer to the calling page."""
    origin = request_origin(scope)
    if origin is None:
        return [_VARY]
    return [
        (b"access-control-allow-origin", origin),
        (b"access-control-allow-credentials", b"true"),
        _VARY,
    ]


async def preflight(scope: Scope, send: Send) -> None:
    """Answer an ``OPTIONS`` preflight: ``204`` with what may be sent, for how long."""
    headers = cors_headers(scope)
    headers.append((b"allow", ALLOW_METHODS))
    if len(headers) > 2:  # an origin to answer
        headers += [
            (b"access-control-allow-methods", ALLOW_METHODS),
            (b"access-control-allow-headers", ALLOW_HEADERS),
            (b"access-control-max-age", MAX_AGE),
        ]
    await respond(send, 204, headers)
