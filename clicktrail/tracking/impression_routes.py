"""The tracking host's impression endpoints (ADR 0102).

* ``GET /i?oid=…&affid=…&sub1=…`` and ``GET /i/{affiliate_code}/{offer_code}/``: the
  impression pixel, the click link's two shapes under ``/i``. It answers a 1x1 transparent
  GIF once the impression is committed; a link that does not resolve (unknown or paused
  offer or affiliate, an affiliate the offer is not open to) gets the same GIF and nothing
  is stored: a page embedding a pixel never shows a broken image.
* ``GET /sdk/impression?oid=…&affid=…``: what ``EF.impression()`` calls. It answers
  ``200 {"impression_id", "transaction_id", "oid", "aid"}`` after the commit
  (``transaction_id`` is the same id: the Everflow SDK keeps it for a later conversion,
  ``aid`` is the advertiser), or a JSON error naming the parameter, as ``/clk`` does. CORS:
  the request's ``Origin`` is allowed with credentials (the SDK fetches with
  ``credentials: 'include'``); ``OPTIONS`` answers the preflight.

``HEAD`` records nothing (ADR 0065). A batch the database could not take is answered 503.
"""

from __future__ import annotations

from collections.abc import Callable

import orjson
from starlette.types import Scope, Send

from clicktrail.kit.asgi import respond
from clicktrail.tracking import codes
from clicktrail.tracking.cache import TrackingCache
from clicktrail.tracking.cors import cors_headers, preflight
from clicktrail.tracking.draft import Visit
from clicktrail.tracking.impression_writer import ImpressionWriter
from clicktrail.tracking.impressions import ImpressionDrafter, Refused
from clicktrail.tracking.params import parse_id, parse_query
from clicktrail.tracking.writer import WriterUnavailable

#: A 1x1 transparent GIF.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)
_GIF = (b"content-type", b"image/gif")
_JSON = (b"content-type", b"application/json")
_TEXT = (b"content-type", b"text/plain; charset=utf-8")
_NO_STORE = (b"cache-control", b"no-cache, no-store, must-revalidate")
_UNAVAILABLE = b"Temporarily unavailable, please retry."


class ImpressionRoutes:
    def __init__(
        self,
        cache: TrackingCache,
        drafter: ImpressionDrafter,
        writer: ImpressionWriter,
        visit_of: Callable[[Scope], Visit],
    ) -> None:
        self.cache = cache
        self.drafter = drafter
        self.writer = writer
        self.visit_of = visit_of

    async def _record(
        self, scope: Scope, offer_id: int | None, affiliate_id: int | None
    ) -> str | Refused | None:
        """The stored impression's id, why none was stored, or None when it was lost."""
        query = parse_query(scope["query_string"])
        if offer_id is None and affiliate_id is None:
            offer_id = parse_id(query.routing.get("oid"))
            affiliate_id = parse_id(query.routing.get("affid"))
        await self.cache.sync(offer_id, affiliate_id)
        row = self.drafter.draft(offer_id, affiliate_id, query, self.visit_of(scope))
        if isinstance(row, Refused) or scope["method"] == "HEAD":
            return row if isinstance(row, Refused) else ""
        try:
            return await self.writer.write(row)
        except WriterUnavailable:
            return None

    async def pixel(self, scope: Scope, send: Send, link: tuple[str, str] | None) -> None:
        offer_id = affiliate_id = None
        if link is not None:
            affiliate_id = codes.decode("affiliate", link[0])
            offer_id = codes.decode("offer", link[1])
            if offer_id is None or affiliate_id is None:  # a broken code: nothing to store
                await respond(send, 200, [_GIF, _NO_STORE], GIF)
                return
        outcome = await self._record(scope, offer_id, affiliate_id)
        if outcome is None:
            await respond(send, 503, [_TEXT, _NO_STORE, (b"retry-after", b"1")], _UNAVAILABLE)
            return
        await respond(send, 200, [_GIF, _NO_STORE], GIF)

    async def sdk(self, scope: Scope, send: Send) -> None:
        if scope["method"] == "OPTIONS":
            await preflight(scope, send)
            return
        headers = [_JSON, _NO_STORE, *cors_headers(scope)]
        outcome = await self._record(scope, None, None)
        if outcome is None:
            body = orjson.dumps({"Error": "temporarily unavailable, please retry"})
            await respond(send, 503, [*headers, (b"retry-after", b"1")], body)
        elif isinstance(outcome, Refused):
            body = orjson.dumps({"Error": outcome.message, "error": outcome.message})
            await respond(send, outcome.status, headers, body)
        else:
            query = parse_query(scope["query_string"])
            offer_id = parse_id(query.routing.get("oid")) or 0
            offer = self.cache.offers.get(offer_id)
            body = orjson.dumps(
                {
                    "impression_id": outcome,
                    "transaction_id": outcome,
                    "oid": offer_id,
                    "aid": offer.advertiser_id if offer is not None else 0,
                }
            )
            await respond(send, 200, headers, body)
