"""The JavaScript SDK on the tracking host: the script, and its click and conversion calls.

* ``GET /scripts/main.js``: the SDK (clicktrail/tracking/scripts/main.js, our own code),
  with an ``ETag`` and ``Cache-Control``; never a cookie.
* ``GET /sdk/click?oid=…&affid=…&sub1=…``: a direct-link click. The tracking app records
  it exactly like a redirect click (same steps, writer and commit) and this module answers
  ``{"transaction_id": …}`` once it is committed, with the tracking host's cookie
  (clicktrail/tracking/sdkcookie.py). An invalid click is stored whole, as on ``/clk`` and
  the redirect (the invalid-clicks report shows it), and answered without a transaction id
  or cookie: ``{"Error", "error", "field", "error_code"}``, ``400``/``404`` for an
  unresolved link (missing, unknown or paused offer or affiliate: ``field`` names ``oid`` or
  ``affid``), ``400`` for a click a network rule refused (caps, visibility, targeting,
  traffic controls; ``field`` is ""). The redirect never sends such a click to the offer;
  handing its id to the page would let a later conversion credit it (ADR 0101).
* ``GET /sdk/conversion?oid=…|aid=…&transaction_id=…``: the offer is checked here (unknown
  or paused: ``404``, nothing stored), the transaction id is the call's or the cookie's
  (none: ``400``, nothing stored), then clicktrail.conversion.sdk_endpoint records it
  through the conversion writer.
* ``OPTIONS`` on both: the CORS preflight (clicktrail/tracking/cors.py). Every answer of
  ``/sdk/*`` carries the CORS headers for the calling page's origin.

``/sdk/impression`` belongs to the impressions code; EF.impression calls it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import orjson
from starlette.types import Receive, Scope, Send

from clicktrail.conversion.postback_endpoint import UnknownCap
from clicktrail.conversion.sdk_endpoint import record_sdk_conversion, sdk_error
from clicktrail.kit.asgi import respond
from clicktrail.kit.clientip import ClientIpResolver
from clicktrail.tracking import sdkcookie
from clicktrail.tracking.cache import TrackingCache
from clicktrail.tracking.cors import cors_headers
from clicktrail.tracking.draft import Draft
from clicktrail.tracking.params import MAX_QUERY_BYTES, parse_id

SCRIPT_PATH = "/scripts/main.js"
CLICK_PATH = "/sdk/click"
CONVERSION_PATH = "/sdk/conversion"
SCRIPT_FILE = Path(__file__).with_name("scripts") / "main.js"
#: How long browsers and proxies may keep the script before asking again (with its ETag).
SCRIPT_MAX_AGE = 3600
#: Most parameters one SDK conversion call may carry.
MAX_PARAMS = 64

_JSON = (b"content-type", b"application/json")
_NO_STORE = (b"cache-control", b"no-store")


class SdkScript:
    """The SDK file, read once: its bytes, ``ETag`` and caching headers."""

    def __init__(self, path: Path = SCRIPT_FILE) -> None:
        self.body = path.read_bytes()
        digest = hashlib.sha256(self.body).hexdigest()[:20]
        self.etag = f'"{digest}"'.encode()
        self.headers = [
            (b"content-type", b"text/javascript; charset=utf-8"),
            (b"cache-control", f"public, max-age={SCRIPT_MAX_AGE}".encode()),
            (b"etag", self.etag),
            (b"x-content-type-options", b"nosniff"),
        ]

    def _fresh(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name == b"if-none-match":
                tags = [tag.strip().removeprefix(b"W/") for tag in value.split(b",")]
                return self.etag in tags or b"*" in tags
        return False

    async def serve(self, scope: Scope, send: Send) -> None:
        if self._fresh(scope):
            await respond(send, 304, list(self.headers))
            return
        if scope["method"] == "HEAD":  # the GET's headers, no body
            headers = [*self.headers, (b"content-length", str(len(self.body)).encode())]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await respond(send, 200, list(self.headers), self.body)


def link_error(draft: Draft, bad_offer_id: bool) -> tuple[int, str, str]:
    """Status, field and message for a JSON click whose link did not resolve (or a rule
    refused, for ``/clk``)."""
    subject = draft.refusal.subject
    if subject == "link":
        field = "oid" if bad_offer_id else "affid"
        return 400, field, "a positive integer id is required"
    if subject in ("offer", "affiliate"):
        field = "oid" if subject == "offer" else "affid"
        return 404, field, draft.refusal.message.lower()
    return 400, "", draft.refusal.message


async def answer(
    send: Send, scope: Scope, status: int, body: bytes, *extra: tuple[bytes, bytes]
) -> None:
    await respond(send, status, [_JSON, _NO_STORE, *cors_headers(scope), *extra], body)


async def answer_click(
    scope: Scope, send: Send, draft: Draft, bad_offer_id: bool, client_ip: ClientIpResolver
) -> None:
    """The answer to ``/sdk/click`` once the click is committed (or was not to be stored)."""
    row = draft.row
    if draft.refusal:
        status, field, message = link_error(draft, bad_offer_id)
        code, error = sdk_error(field, message, status)
        error["error_code"] = int(draft.refusal)
        await answer(send, scope, code, orjson.dumps(error))
        return
    transaction_id: str = row["transaction_id"]
    secure = sdkcookie.secure_request(scope, client_ip)
    offer_id, advertiser_id = row["network_offer_id"], row["network_advertiser_id"]
    cookies = sdkcookie.click_cookies(offer_id, advertiser_id, transaction_id, secure)
    body = orjson.dumps({"transaction_id": transaction_id})
    await answer(send, scope, 200, body, *cookies)


def _params(scope: Scope) -> dict[str, str] | None:
    raw: bytes = scope.get("query_string", b"")
    if len(raw) > MAX_QUERY_BYTES:
        return None
    pairs = parse_qsl(raw.decode("latin-1"), keep_blank_values=True)
    if len(pairs) > MAX_PARAMS:
        return None
    params: dict[str, str] = {}
    for key, value in pairs:
        params.setdefault(key, value)  # the first of a repeated name wins, as on links
    return params


class SdkConversions:
    """``/sdk/conversion``: the offer and transaction id are settled here, the rest by the
    conversion service."""

    def __init__(self, cache: TrackingCache) -> None:
        self.cache = cache

    async def __call__(
        self, scope: Scope, receive: Receive, send: Send, cap: UnknownCap | None, address: str
    ) -> None:
        status, body = await self._record(scope, cap, address)
        await answer(send, scope, status, orjson.dumps(body))

    async def _record(
        self, scope: Scope, cap: UnknownCap | None, address: str
    ) -> tuple[int, dict[str, Any]]:
        params = _params(scope)
        if params is None:
            return sdk_error(
                "query", f"has more than {MAX_PARAMS} parameters or {MAX_QUERY_BYTES} bytes"
            )
        raw_offer, raw_advertiser = params.get("oid", ""), params.get("aid", "")
        offer_id, advertiser_id = parse_id(raw_offer), parse_id(raw_advertiser)
        if raw_offer and offer_id is None:
            return sdk_error("oid", "a positive integer id is required")
        if raw_advertiser and advertiser_id is None:
            return sdk_error("aid", "a positive integer id is required")
        if offer_id is None and advertiser_id is None:
            return sdk_error("oid", "offer_id or aid is required")
        if offer_id is not None:
            await self.cache.sync(offer_id, None)
            offer = self.cache.offers.get(offer_id)
            if offer is None:
                return sdk_error("oid", "unknown offer", 404)
            if not offer.active:
                return sdk_error("oid", "offer is not active", 404)
            name = f"{sdkcookie.OFFER_PREFIX}{offer_id}"
        else:
            name = f"{sdkcookie.ADVERTISER_PREFIX}{advertiser_id}"
        if not params.get("transaction_id", "").strip():
            found = sdkcookie.stored_transaction_id(scope, name)
            if found:
                params["transaction_id"] = found
            elif not params.get("coupon_code", "").strip():  # a coupon credits its affiliate
                return sdk_error("transaction_id", "no click found: pass transaction_id")
        return await record_sdk_conversion(scope, params, cap, address)
