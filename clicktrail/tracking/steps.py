"""The named steps that turn a visit into a click row, in the order the recorder runs them.

* ``resolve``: offer and affiliate from the cache; an unresolved link refuses the click
  (it is still a click, stored invalid with the reason).
* ``stamp``: the transaction id, the time and the link's parameters.
* ``enrich``: the visit's columns, language, device and geolocation.
* ``caps``: a click past a hard click cap of its offer (or its affiliate's custom cap
  setting) is refused ``OVER_CAPS`` and diverted to the offer's fail-traffic redirect
  (clicktrail.tracking.capping: decided in memory, counted in the background).
* ``settle``: a valid click gets its offer's columns, its CPC money (the offer's, or a custom
  payout/revenue setting's for its affiliate, ADR 0094) and the visitor hash for
  ``is_unique`` (settled by the writer); a refused one gets its reason and no money.

A rule is added as a step before ``settle`` that returns a :class:`ClickRefusal`. Nothing
here touches the database or the network.
"""

from __future__ import annotations

import functools
import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol

from clicktrail.offer.custom_rules import choose
from clicktrail.tracking.cache import OfferEntry, TrackingCache, click_payout, click_revenue
from clicktrail.tracking.capping import ClickCaps
from clicktrail.tracking.device import DeviceDetector
from clicktrail.tracking.draft import Draft
from clicktrail.tracking.geo import GeoLocator
from clicktrail.tracking.params import parse_id
from clicktrail.tracking.refusals import MESSAGES, ClickRefusal
from clicktrail.tracking.rows import TEXT_LIMIT, clip_column
from clicktrail.tracking.txid import new_transaction_id
from clicktrail.tracking.unique import visitor_hash

_DEVICE_IDS = ("idfa", "google_ad_id")
_ZERO = Decimal(0)


class Step(Protocol):
    """One named step of the click path; ``run`` returns why it refuses the click, if it does."""

    @property
    def name(self) -> str: ...

    def run(self, draft: Draft) -> ClickRefusal | None: ...


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


class Resolve:
    """Offer and affiliate from the cache: ids are kept when they exist, even if inactive."""

    name = "resolve"

    def __init__(self, cache: TrackingCache) -> None:
        self.cache = cache

    def run(self, draft: Draft) -> ClickRefusal | None:
        offer_id, affiliate_id = draft.offer_id, draft.affiliate_id
        offers, affiliates = self.cache.offers, self.cache.affiliates
        if offer_id is None or affiliate_id is None:
            draft.offer = offers.get(offer_id) if offer_id else None
            draft.affiliate = affiliate_id if affiliate_id in affiliates else None
            return ClickRefusal.MALFORMED_LINK
        offer = draft.offer = offers.get(offer_id)
        status = affiliates.get(affiliate_id)
        draft.affiliate = affiliate_id if status is not None else None
        if offer is None:
            return ClickRefusal.UNKNOWN_OFFER
        if not offer.active:
            return ClickRefusal.OFFER_NOT_ACTIVE
        if status is None:
            return ClickRefusal.UNKNOWN_AFFILIATE
        if status != "active":
            return ClickRefusal.AFFILIATE_NOT_ACTIVE
        return None


class Stamp:
    """The transaction id, the click time and the link's parameters."""

    name = "stamp"

    def run(self, draft: Draft) -> ClickRefusal | None:
        now = time.time()
        row = draft.row
        row["transaction_id"] = new_transaction_id(now)
        row["created_at"] = datetime.fromtimestamp(now, UTC)
        query = draft.query
        row.update(query.columns)
        routing = query.routing
        # Most links carry none of these: parse only what is there.
        creative_id, uid, campaign_id = (
            routing.get("creative_id"),
            routing.get("uid"),
            routing.get("campaign_id"),
        )
        row["creative_id"] = parse_id(creative_id) if creative_id else None
        row["network_offer_url_id"] = (parse_id(uid) or 0) if uid else 0
        row["network_campaign_id"] = (parse_id(campaign_id) or 0) if campaign_id else 0
        return None


class Enrich:
    """The visit's columns, its language, device and geolocation."""

    name = "enrich"

    def __init__(self, geo: GeoLocator, device: DeviceDetector) -> None:
        self.geo = geo
        self.device = device

    def run(self, draft: Draft) -> ClickRefusal | None:
        row = draft.row
        visit = draft.visit
        ip = visit.ip
        user_agent = visit.user_agent
        if len(user_agent) > TEXT_LIMIT or "\x00" in user_agent:
            user_agent = clip_column("user_agent", user_agent)
        draft.user_agent = user_agent
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
        return None


def _custom_price(row: dict[str, Any], offer: OfferEntry, affiliate_id: int) -> None:
    """The click's money from the custom setting that wins for its affiliate at its time."""
    chosen = choose(offer.custom, 0, affiliate_id, row["created_at"])
    if chosen.payout is not None:
        row["payout_type"], row["payout"] = click_payout(
            chosen.payout.payout_type, chosen.payout.payout_amount
        )
    if chosen.revenue is not None:
        row["revenue_type"], row["revenue"] = click_revenue(
            chosen.revenue.revenue_type, chosen.revenue.revenue_amount
        )


class Caps:
    """Refuses a click past a hard click cap of its offer or its affiliate's custom setting;
    the click goes to the offer's fail-traffic redirect (or the network fallback)."""

    name = "caps"

    def __init__(self, caps: ClickCaps) -> None:
        self.caps = caps

    def run(self, draft: Draft) -> ClickRefusal | None:
        offer = draft.offer
        if draft.refusal or offer is None or draft.affiliate is None:
            return None
        caps = self.caps
        if offer.offer_id not in caps.offers:
            return None
        if caps.admit(offer.offer_id, draft.affiliate, time.time()):
            return None
        draft.divert = offer.fail_traffic
        return ClickRefusal.OVER_CAPS


class Settle:
    """A valid click is priced and hashed for uniqueness; a refused one is marked invalid."""

    name = "settle"

    def run(self, draft: Draft) -> ClickRefusal | None:
        row = draft.row
        offer = draft.offer
        affiliate_id = draft.affiliate_id
        row["network_affiliate_id"] = draft.affiliate
        extras: dict[str, str] = draft.query.extras
        if offer is not None:
            row["network_offer_id"] = offer.offer_id
            row["network_advertiser_id"] = offer.advertiser_id
            row["currency_id"] = offer.currency_id
            row["revenue_type"] = offer.revenue_type
            row["payout_type"] = offer.payout_type
        refusal = draft.refusal
        if not refusal and offer is not None and affiliate_id is not None:
            row["revenue"] = offer.revenue
            row["payout"] = offer.payout
            if offer.custom:
                _custom_price(row, offer, affiliate_id)
            definition = offer.session_definition
            device_ids = draft.query.columns if definition in _DEVICE_IDS else {}
            row["visitor_hash"] = visitor_hash(
                definition,
                draft.visit.ip,
                draft.user_agent,
                device_ids,
                offer.offer_id,
                affiliate_id,
            )
            draft.window = offer.session_seconds
            row["is_unique"] = True
        else:
            refusal = refusal or ClickRefusal.MALFORMED_LINK
            code = refusal._value_
            row["error_code"] = code
            row["error_message"] = MESSAGES[code]
            row["is_unique"] = False
            row["revenue"] = row["payout"] = _ZERO
            # Keep what the visitor asked for, to explain the invalid click later.
            extras = dict(extras)
            routing = draft.query.routing
            for key in ("oid", "affid"):
                if key in routing:
                    extras.setdefault(key, routing[key])
            if draft.offer_id is not None and offer is None:
                extras.setdefault("oid", str(draft.offer_id))
            if affiliate_id is not None and draft.affiliate is None:
                extras.setdefault("affid", str(affiliate_id))
            draft.refusal = refusal
            draft.offer = None
        row["query_parameters"] = extras or None
        return None
