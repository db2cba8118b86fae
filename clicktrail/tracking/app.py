"""The tracking host: tracking links, the redirect, server-side clicks, advertiser postbacks.

A plain ASGI callable (no framework on the hot path):

* ``GET /{affiliate_code}/{offer_code}/?sub1=…``: the encoded link (clicktrail/tracking/codes.py)
* ``GET /c?oid=…&affid=…&sub1=…``: the plain link
  Both record the click, wait for its commit, then answer ``302`` to the offer's destination
  URL with its macros filled. An unresolved link (unknown, paused or deleted offer or
  affiliate; a broken code) is recorded as an invalid click and goes to the network's
  fallback URL, or to a plain 404 page when none is set. Never a JSON error.
* ``GET /clk?oid=…&affid=…``: Everflow's server-side click: records the click and answers
  ``{"transaction_id": "…"}``; an unresolved link is recorded too and answered with an
  Everflow-style JSON error naming the parameter.
* ``GET|POST /``: the advertiser postback (clicktrail.conversion.postback_endpoint).
* ``GET /scripts/main.js``, ``GET /sdk/click``, ``GET /sdk/conversion`` (and their
  ``OPTIONS`` preflights): the JavaScript SDK and its direct-link click and conversion
  (clicktrail/tracking/sdk.py). ``/sdk/click`` records the click like a redirect does and
  answers its transaction id only once it is committed.
* ``GET /i?oid=…&affid=…``, ``GET /i/{affiliate_code}/{offer_code}/`` and
  ``GET|OPTIONS /sdk/impression``: impressions (clicktrail.tracking.impression_routes).

``HEAD`` is safe (docs/adr/0065-head-writes-nothing.md): on a link it answers what a GET
would (status and ``Location``, for a first visit) and records nothing; on ``/`` it is
``405`` with ``Allow: GET, POST``, because answering it means recording a conversion.

A click the database could not take is answered ``503`` (never a 302 for a lost click).
"""

from __future__ import annotations

import orjson
import structlog
from starlette.types import ASGIApp, Receive, Scope, Send

from clicktrail.abuse.guards import guards_of
from clicktrail.conversion.postback_endpoint import advertiser_postback
from clicktrail.kit.asgi import respond
from clicktrail.state import AppState
from clicktrail.tracking import codes, sdk
from clicktrail.tracking.components import TrackingComponents, tracking_components
from clicktrail.tracking.cors import cors_headers, preflight
from clicktrail.tracking.draft import Draft, Visit
from clicktrail.tracking.impression_routes import ImpressionRoutes
from clicktrail.tracking.macros import UrlTemplate
from clicktrail.tracking.params import parse_id, parse_query
from clicktrail.tracking.writer import WriterUnavailable

log = structlog.get_logger("clicktrail.tracking")

_NO_STORE = (b"cache-control", b"no-cache, no-store, must-revalidate")
_TEXT = (b"content-type", b"text/plain; charset=utf-8")
_JSON = (b"content-type", b"application/json")
_NOT_FOUND_BODY = b"Not Found"
_UNAVAILABLE_BODY = b"Temporarily unavailable, please retry."
_BUSY_BODY = b"Too many requests, please retry later."
_CODE_CHARS = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_HEADERS_WANTED = frozenset(
    {b"user-agent", b"referer", b"accept-language", b"host", b"x-forwarded-for"}
)


def _refused(field: str, template: UrlTemplate, draft: Draft, **context: int) -> None:
    """A template whose macros would choose the host is never followed (ADR 0066)."""
    log.warning(
        "redirect_refused",
        field=field,
        reason=template.refusal or "the rendered URL left the template's origin",
        transaction_id=draft.row["transaction_id"],
        **context,
    )


def _looks_like_code(segment: str) -> bool:
    return len(segment) == 8 and all(c in _CODE_CHARS for c in segment)


class TrackingApp:
    def __init__(self, state: AppState, components: TrackingComponents) -> None:
        self.state = state
        self.components = components
        self.recorder = components.recorder
        self.writer = components.writer
        self.cache = components.cache
        self.client_ip = components.client_ip
        self.guards = guards_of(state)
        self.script = sdk.SdkScript()
        self.sdk_conversions = sdk.SdkConversions(self.cache)
        self.impressions = ImpressionRoutes(
            components.cache, components.impressions, components.impression_writer, self._visit
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1003})
            return
        path: str = scope["path"]
        method: str = scope["method"]
        if path == "/":
            if method in ("GET", "POST"):
                cap = self.guards.unknown_postbacks
                if cap is None:
                    await advertiser_postback(scope, receive, send)
                else:
                    address = self._visit(scope).ip or "-"
                    await advertiser_postback(scope, receive, send, cap, address)
                return
            await respond(send, 405, [_TEXT, (b"allow", b"GET, POST")], b"Method Not Allowed")
            return
        if path == "/sdk/impression" and method == "OPTIONS":
            await self.impressions.sdk(scope, send)
            return
        if path.startswith(("/sdk/", "/scripts/")) and path != "/sdk/impression":
            await self._sdk(scope, receive, send, path, method)
            return
        if method not in ("GET", "HEAD"):
            await respond(send, 405, [_TEXT, (b"allow", b"GET, HEAD")], b"Method Not Allowed")
            return
        if path in ("/c", "/c/"):
            await self._link(scope, send, None, json=False)
        elif path in ("/clk", "/clk/"):
            await self._link(scope, send, None, json=True)
        elif path in ("/i", "/i/"):
            await self.impressions.pixel(scope, send, None)
        elif path == "/sdk/impression":
            await self.impressions.sdk(scope, send)
        else:
            parts = path.strip("/").split("/")
            if len(parts) == 2 and _looks_like_code(parts[0]) and _looks_like_code(parts[1]):
                await self._link(scope, send, (parts[0], parts[1]), json=False)
            elif (
                len(parts) == 3
                and parts[0] == "i"
                and _looks_like_code(parts[1])
                and _looks_like_code(parts[2])
            ):
                await self.impressions.pixel(scope, send, (parts[1], parts[2]))
            else:
                await respond(send, 404, [_TEXT], _NOT_FOUND_BODY)

    async def _sdk(
        self, scope: Scope, receive: Receive, send: Send, path: str, method: str
    ) -> None:
        if path == sdk.SCRIPT_PATH:
            if method in ("GET", "HEAD"):
                await self.script.serve(scope, send)
            else:
                await respond(send, 405, [_TEXT, (b"allow", b"GET, HEAD")], b"Method Not Allowed")
            return
        if path not in (sdk.CLICK_PATH, sdk.CONVERSION_PATH):
            await respond(send, 404, [_TEXT], _NOT_FOUND_BODY)
            return
        if method == "OPTIONS":
            await preflight(scope, send)
        elif method != "GET":  # HEAD too: both calls record something
            headers = [_TEXT, (b"allow", b"GET, OPTIONS"), *cors_headers(scope)]
            await respond(send, 405, headers, b"Method Not Allowed")
        elif path == sdk.CLICK_PATH:
            await self._link(scope, send, None, json=True, browser=True)
        else:
            cap = self.guards.unknown_postbacks
            address = (self._visit(scope).ip or "-") if cap is not None else ""
            await self.sdk_conversions(scope, receive, send, cap, address)

    def _visit(self, scope: Scope) -> Visit:
        found: dict[bytes, bytes] = {}
        for name, value in scope["headers"]:
            if name in _HEADERS_WANTED and name not in found:
                found[name] = value
        client = scope.get("client")
        forwarded = found.get(b"x-forwarded-for")
        ip = self.client_ip.resolve(
            client[0] if client else None,
            forwarded.decode("latin-1") if forwarded is not None else None,
        )
        return Visit(
            ip=ip,
            user_agent=found.get(b"user-agent", b"").decode("latin-1"),
            referer=found.get(b"referer", b"").decode("latin-1"),
            accept_language=found.get(b"accept-language", b"").decode("latin-1"),
            host=found.get(b"host", b"").decode("latin-1"),
        )

    async def _link(
        self,
        scope: Scope,
        send: Send,
        link_codes: tuple[str, str] | None,
        *,
        json: bool,
        browser: bool = False,
    ) -> None:
        """Record one click and answer it: a redirect, ``/clk``'s JSON, or (``browser``) the
        SDK's JSON with CORS headers and the tracking host's cookie."""
        query = parse_query(scope["query_string"])
        if link_codes is not None:
            affiliate_id = codes.decode("affiliate", link_codes[0])
            offer_id = codes.decode("offer", link_codes[1])
        else:
            offer_id = parse_id(query.routing.get("oid"))
            affiliate_id = parse_id(query.routing.get("affid"))
        visit = self._visit(scope)
        extra = cors_headers(scope) if browser else []
        clicks = self.guards.clicks
        if clicks is not None:  # opt-in: every click counts per address
            address = visit.ip or "-"
            if clicks.blocked(address) or not (await clicks.admit(address)).allowed:
                retry = str(clicks.retry_after(address)).encode()
                headers = [_TEXT, _NO_STORE, (b"retry-after", retry), *extra]
                await respond(send, 429, headers, _BUSY_BODY)
                return
        await self.cache.sync(offer_id, affiliate_id)
        draft = self.recorder.draft(offer_id, affiliate_id, query, visit)
        # HEAD is safe: the answer a first visit would get, and nothing is written.
        unique = True
        if scope["method"] != "HEAD" and (
            not draft.row["error_code"] or await self._store_invalid(visit.ip or "-")
        ):
            try:
                unique = await self.writer.submit(draft.row, draft.window)
            except WriterUnavailable:
                headers = [_TEXT, _NO_STORE, (b"retry-after", b"1"), *extra]
                await respond(send, 503, headers, _UNAVAILABLE_BODY)
                return
        if browser:
            await sdk.answer_click(scope, send, draft, offer_id is None, self.client_ip)
        elif json:
            await self._answer_json(send, draft, offer_id is None)
        else:
            await self._redirect(send, draft, unique)

    async def _store_invalid(self, address: str) -> bool:
        """Whether to store an invalid click: yes unless its address is over its cap (then
        it is answered as usual, not stored: garbage cannot grow the table without bound)."""
        cap = self.guards.invalid_clicks
        if cap is None:
            return True
        return not cap.blocked(address) and (await cap.admit(address)).allowed

    async def _redirect(self, send: Send, draft: Draft, unique: bool) -> None:
        offer = draft.offer
        location = ""
        if offer is not None and (unique or not offer.duplicate_action):
            location = offer.template.render(draft.row)
            if not location and offer.template.source:
                _refused("destination_url", offer.template, draft, offer_id=offer.offer_id)
        divert = draft.divert
        if not location and divert is not None:
            location = divert.render(draft.row)
        fallback = self.cache.fallback
        if not location and fallback is not None:
            location = fallback.render(draft.row)
            if not location:
                _refused("fallback_url", fallback, draft)
        if not location:
            await respond(send, 404, [_TEXT, _NO_STORE], _NOT_FOUND_BODY)
            return
        await respond(send, 302, [(b"location", location.encode("latin-1", "replace")), _NO_STORE])

    async def _answer_json(self, send: Send, draft: Draft, bad_offer_id: bool) -> None:
        row = draft.row
        code = row["error_code"]
        if not code:
            body = orjson.dumps({"transaction_id": row["transaction_id"]})
            await respond(send, 200, [_JSON, _NO_STORE], body)
            return
        status, field, message = sdk.link_error(draft, bad_offer_id)
        if field:
            message = f"{field}: {message}"
        body = orjson.dumps({"Error": message, "error": message})
        await respond(send, status, [_JSON, _NO_STORE], body)


def create_tracking_app(state: AppState) -> ASGIApp:
    return TrackingApp(state, tracking_components(state))
