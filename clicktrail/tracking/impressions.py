"""From a visit to an impression row (ADR 0102): resolve, price, enrich. No database here.

An impression is stored only for a known, active offer and affiliate the offer is open to:
anything else is answered as usual (the pixel's GIF, or a JSON error naming the parameter
on ``/sdk/impression``) and nothing is written, so garbage never grows the table and no
impression is stored half-way. There is no uniqueness check: every impression counts.
Money: the offer's CPM payout and RPM revenue (or the custom payout/revenue setting that
wins for the affiliate, ADR 0094) divided by 1,000, to the micro-unit.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from clicktrail.models import Impression
from clicktrail.offer.custom_rules import choose
from clicktrail.tracking.cache import OfferEntry, TrackingCache, per_impression
from clicktrail.tracking.device import DeviceDetector
from clicktrail.tracking.draft import Visit
from clicktrail.tracking.geo import GeoLocator
from clicktrail.tracking.params import LinkQuery, parse_id
from clicktrail.tracking.rows import TEXT_LIMIT, clip_column
from clicktrail.tracking.txid import new_transaction_id

COLUMNS: tuple[str, ...] = tuple(c.name for c in Impression.__table__.columns)
_ZERO = Decimal(0)
_TEXT_PARAMS = ("sub1", "sub2", "sub3", "sub4", "sub5", "source_id")
_GEO = ("country_code", "region_name", "city_name")
_DEVICE = ("device_type", "platform_name", "browser_name")


@dataclass(frozen=True, slots=True)
class Refused:
    """Why an impression was not stored: the parameter at fault and an Everflow-style
    message (``status`` for the JSON answer)."""

    field: str
    message: str
    status: int


def _price(row: dict[str, Any], offer: OfferEntry, affiliate_id: int) -> None:
    row["payout"], row["revenue"] = offer.imp_payout, offer.imp_revenue
    if offer.custom:
        chosen = choose(offer.custom, 0, affiliate_id, row["created_at"])
        if chosen.payout is not None:
            row["payout_type"] = chosen.payout.payout_type.upper()
            rate = chosen.payout
            row["payout"] = per_impression(rate.payout_type, rate.payout_amount, "cpm")
        if chosen.revenue is not None:
            row["revenue_type"] = chosen.revenue.revenue_type.upper()
            rate = chosen.revenue
            row["revenue"] = per_impression(rate.revenue_type, rate.revenue_amount, "rpm")


class ImpressionDrafter:
    def __init__(self, cache: TrackingCache, geo: GeoLocator, device: DeviceDetector) -> None:
        self.cache = cache
        self.geo = geo
        self.device = device

    def resolve(
        self, offer_id: int | None, affiliate_id: int | None
    ) -> tuple[OfferEntry, int] | Refused:
        if offer_id is None:
            return Refused("oid", "oid: a positive integer id is required", 400)
        if affiliate_id is None:
            return Refused("affid", "affid: a positive integer id is required", 400)
        offer = self.cache.offers.get(offer_id)
        if offer is None or not offer.active:
            return Refused("oid", "oid: offer not found or not active", 404)
        if self.cache.affiliates.get(affiliate_id) != "active":
            return Refused("affid", "affid: affiliate not found or not active", 404)
        if offer.audience is not None and not offer.audience.admits(affiliate_id):
            return Refused("affid", "affid: the affiliate may not run this offer", 404)
        return offer, affiliate_id

    def draft(
        self, offer_id: int | None, affiliate_id: int | None, query: LinkQuery, visit: Visit
    ) -> dict[str, Any] | Refused:
        """The impression's row, or why it is not stored."""
        resolved = self.resolve(offer_id, affiliate_id)
        if isinstance(resolved, Refused):
            return resolved
        offer, affiliate = resolved
        now = time.time()
        columns = query.columns
        creative = query.routing.get("creative_id")
        user_agent = visit.user_agent
        if len(user_agent) > TEXT_LIMIT or "\x00" in user_agent:
            user_agent = clip_column("user_agent", user_agent)
        row: dict[str, Any] = {
            "impression_id": new_transaction_id(now),
            "created_at": datetime.fromtimestamp(now, UTC),
            "network_id": 1,
            "network_offer_id": offer.offer_id,
            "network_affiliate_id": affiliate,
            "network_advertiser_id": offer.advertiser_id,
            "creative_id": parse_id(creative) if creative else None,
            "user_ip": visit.ip,
            "user_agent": user_agent,
            "referer": clip_column("referer", visit.referer) if visit.referer else "",
            "payout_type": offer.payout_type,
            "revenue_type": offer.revenue_type,
            "currency_id": offer.currency_id,
        }
        for name in _TEXT_PARAMS:
            row[name] = columns.get(name, "")
        device = self.device.lookup(user_agent)
        for name in _DEVICE:
            row[name] = device.get(name, "")
        located = self.geo.lookup(visit.ip) if visit.ip else {}
        for name in _GEO:
            row[name] = located.get(name, "")
        _price(row, offer, affiliate)
        return row
