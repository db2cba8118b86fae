"""From a visit to a click row: resolve the link, enrich, and hand the row to the writer.

The steps, in order: resolve offer and affiliate from the cache (an unresolved link is still
a click, stored invalid with the reason in ``error_code``/``error_message``), mint the
transaction id, copy the link's parameters, add geolocation and device information, price
CPC clicks, and compute the visitor hash for ``is_unique`` (settled by the writer). Nothing
here touches the database or the network.
"""

from __future__ import annotations

import functools
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from clicktrail.tracking.cache import OfferEntry, TrackingCache
from clicktrail.tracking.device import DeviceDetector
from clicktrail.tracking.geo import GeoLocator
from clicktrail.tracking.params import LinkQuery, parse_id
from clicktrail.tracking.rows import TEXT_LIMIT, blank_row, clip_column
from clicktrail.tracking.unique import visitor_hash
from clicktrail.tracking.writer import ClickWriter

#: Why a click is invalid: (error_code, error_message). 0 is a valid click.
MALFORMED_LINK = (1, "Invalid tracking link")
UNKNOWN_OFFER = (2, "Unknown offer")
OFFER_NOT_ACTIVE = (3, "Offer is not active")
UNKNOWN_AFFILIATE = (4, "Unknown affiliate")
AFFILIATE_NOT_ACTIVE = (5, "Affiliate is not active")

_DEVICE_IDS = ("idfa", "google_ad_id")


class _RandomPool:
    """Random bytes from the OS, fetched 10 KiB at a time (one syscall per 1024 ids)."""

    def __init__(self) -> None:
        self._buffer = b""
        self._offset = 0

    def take(self, size: int) -> bytes:
        if self._offset + size > len(self._buffer):
            self._buffer = os.urandom(1024 * size)
            self._offset = 0
        chunk = self._buffer[self._offset : self._offset + size]
        self._offset += size
        return chunk

    def reset(self) -> None:
        self._buffer = b""
        self._offset = 0


_RANDOM = _RandomPool()
# A forked child must never reuse its parent's unused random bytes.
os.register_at_fork(after_in_child=_RANDOM.reset)


def new_transaction_id(now: float | None = None) -> str:
    """32 lower-case hex: 48 bits of milliseconds since the epoch, then 80 random bits.

    Time-ordered ids keep the primary-key index append-mostly (cheap inserts, warm pages);
    80 random bits from the OS keep them unguessable.
    """
    millis = int((time.time() if now is None else now) * 1000) & 0xFFFFFFFFFFFF
    return f"{millis:012x}{_RANDOM.take(10).hex()}"


def language_of(accept_language: str) -> str:
    """The primary language of an Accept-Language header: "fr-FR,fr;q=0.9" -> "fr"."""
    first = accept_language.split(",", 1)[0].split(";", 1)[0].strip()
    return clip_column("language", first.split("-", 1)[0].lower()) if first != "*" else ""


@functools.lru_cache(maxsize=10_000)
def _languages(accept_language: str) -> dict[str, str]:
    """The language columns of an Accept-Language header (cached: few distinct headers)."""
    return {
        "http_accept_language": clip_column("http_accept_language", accept_language),
        "language": language_of(accept_language),
    }


@dataclass(slots=True)
class Visit:
    """What the request tells about the visitor."""

    ip: str = ""
    user_agent: str = ""
    referer: str = ""
    accept_language: str = ""
    host: str = ""


@dataclass(slots=True)
class Draft:
    """A click ready for the writer: its row, its offer (when valid) and its session."""

    row: dict[str, Any]
    offer: OfferEntry | None
    window: int

    @property
    def valid(self) -> bool:
        return not self.row["error_code"]


class ClickRecorder:
    def __init__(
        self, cache: TrackingCache, writer: ClickWriter, geo: GeoLocator, device: DeviceDetector
    ) -> None:
        self.cache = cache
        self.writer = writer
        self.geo = geo
        self.device = device

    def resolve(
        self, offer_id: int | None, affiliate_id: int | None
    ) -> tuple[OfferEntry | None, int | None, tuple[int, str] | None]:
        """(offer, affiliate id, error): ids are kept when they exist, even if inactive."""
        if offer_id is None or affiliate_id is None:
            offer = self.cache.offers.get(offer_id) if offer_id else None
            known_affiliate = affiliate_id if affiliate_id in self.cache.affiliates else None
            return offer, known_affiliate, MALFORMED_LINK
        offer = self.cache.offers.get(offer_id)
        status = self.cache.affiliates.get(affiliate_id)
        known_affiliate = affiliate_id if status is not None else None
        if offer is None:
            return None, known_affiliate, UNKNOWN_OFFER
        if not offer.active:
            return offer, known_affiliate, OFFER_NOT_ACTIVE
        if status is None:
            return offer, None, UNKNOWN_AFFILIATE
        if status != "active":
            return offer, known_affiliate, AFFILIATE_NOT_ACTIVE
        return offer, affiliate_id, None

    def draft(
        self,
        offer_id: int | None,
        affiliate_id: int | None,
        query: LinkQuery,
        visit: Visit,
    ) -> Draft:
        offer, known_affiliate, error = self.resolve(offer_id, affiliate_id)
        now = time.time()
        row = blank_row()
        row["transaction_id"] = new_transaction_id(now)
        row["created_at"] = datetime.fromtimestamp(now, UTC)
        row.update(query.columns)
        routing = query.routing
        row["creative_id"] = parse_id(routing.get("creative_id"))
        row["network_offer_url_id"] = parse_id(routing.get("uid")) or 0
        row["network_campaign_id"] = parse_id(routing.get("campaign_id")) or 0
        ip = visit.ip
        user_agent = visit.user_agent
        if len(user_agent) > TEXT_LIMIT or "\x00" in user_agent:
            user_agent = clip_column("user_agent", user_agent)
        row["user_ip"] = ip
        if visit.referer:
            row["referer"] = clip_column("referer", visit.referer)
        if visit.host:
            row["tracking_url"] = clip_column("tracking_url", visit.host)
        if visit.accept_language:
            row.update(_languages(visit.accept_language))
        row.update(self.device.lookup(user_agent))
        if ip:
            row.update(self.geo.lookup(ip))
        row["network_affiliate_id"] = known_affiliate
        extras: dict[str, str] = query.extras
        if offer is not None:
            row["network_offer_id"] = offer.offer_id
            row["network_advertiser_id"] = offer.advertiser_id
            row["currency_id"] = offer.currency_id
            row["revenue_type"] = offer.revenue_type
            row["payout_type"] = offer.payout_type
        window = 0
        if error is None and offer is not None and affiliate_id is not None:
            row["revenue"] = offer.revenue
            row["payout"] = offer.payout
            device_ids = query.columns if offer.session_definition in _DEVICE_IDS else {}
            row["visitor_hash"] = visitor_hash(
                offer.session_definition, ip, user_agent, device_ids, offer.offer_id, affiliate_id
            )
            window = offer.session_seconds
            row["is_unique"] = True
        else:
            code, message = error or MALFORMED_LINK
            row["error_code"] = code
            row["error_message"] = message
            row["is_unique"] = False
            row["revenue"] = row["payout"] = Decimal(0)
            # Keep what the visitor asked for, to explain the invalid click later.
            extras = dict(extras)
            for key in ("oid", "affid"):
                if key in routing:
                    extras.setdefault(key, routing[key])
            if offer_id is not None and offer is None:
                extras.setdefault("oid", str(offer_id))
            if affiliate_id is not None and known_affiliate is None:
                extras.setdefault("affid", str(affiliate_id))
        row["query_parameters"] = extras or None
        return Draft(row=row, offer=offer if error is None else None, window=window)
