"""Everflow's offer shapes (``/v1/networks/offers``).

On POST and PUT the payout/revenue entries are a top-level ``payout_revenue`` array; responses
carry them under ``relationship.payout_revenue`` as ``{"total", "entries"}``, as Everflow does.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints

from clicktrail.caps.fields import CapFieldsIn, caps_out
from clicktrail.kit.money import NonNegativeMoney, _to_number
from clicktrail.kit.wire import (
    MAX_INT32,
    HttpUrlText,
    Id32,
    Int32,
    LongText,
    Name,
    OptionalHttpUrlText,
    OptionalName,
    Percent,
)
from clicktrail.models import Advertiser, Offer, OfferPayoutRevenue
from clicktrail.network.wire import CurrencyId, unix_or_zero
from clicktrail.offer.ruleset import (
    MAX_REDIRECTS,
    InternalRedirectIn,
    RoutingMethod,
    RoutingType,
    RulesetIn,
    ruleset_out,
)

PayoutType = Literal["cpc", "cpa", "cpm", "cps", "cpa_cps", "prv"]
RevenueType = Literal["rpc", "rpa", "rpm", "rps", "rpa_rps"]
OfferStatus = Literal["active", "paused", "pending", "deleted"]
ConversionMethod = Literal[
    "server_postback",
    "javascript",
    "html_pixel_cookie_based",
    # Legacy inputs, stored as html_pixel_cookie_based.
    "http_image_pixel",
    "https_image_pixel",
    "http_iframe_pixel",
    "https_iframe_pixel",
    "cookie_based",
]
#: An event alias as it appears in URLs (Scaleo goal_alias, postback adv_event_id).
EventAlias = Annotated[str, StringConstraints(max_length=255, pattern=r"^[A-Za-z0-9_.\-]*$")]
VerificationToken = Annotated[str, StringConstraints(max_length=50, pattern=r"^[A-Za-z0-9]*$")]
#: At most ten years, in hours.
Hours = Annotated[int, Field(ge=0, le=87_600)]
MAX_ENTRIES = 100


class PayoutRevenueIn(BaseModel):
    """One payout/revenue entry: the base conversion (``is_default``) or an event."""

    #: Set on PUT to keep an existing entry (and so its event id).
    network_offer_payout_revenue_id: Id32 | None = None
    entry_name: OptionalName = ""
    event_alias: EventAlias = ""
    payout_type: PayoutType
    payout_amount: NonNegativeMoney = Decimal(0)
    payout_percentage: Percent = Decimal(0)
    revenue_type: RevenueType
    revenue_amount: NonNegativeMoney = Decimal(0)
    revenue_percentage: Percent = Decimal(0)
    is_default: bool = False
    is_private: bool = False


class OfferIn(CapFieldsIn):
    """POST and PUT body. PUT replaces the whole offer: omitted fields take defaults.

    Caps (``is_caps_enabled`` and the ``*_cap`` fields, 0 = no cap) are Everflow's."""

    network_advertiser_id: Id32
    name: Name
    offer_status: OfferStatus
    destination_url: HttpUrlText
    #: Default: the network's currency.
    currency_id: CurrencyId | None = None
    network_offer_group_id: Int32 = 0
    server_side_url: OptionalHttpUrlText = ""
    preview_url: OptionalHttpUrlText = ""
    html_description: LongText = ""
    internal_notes: LongText = ""
    visibility: Literal["public", "require_approval", "private"] = "public"
    network_tracking_domain_id: Int32 = 0
    conversion_method: ConversionMethod = "server_postback"
    session_definition: Literal["cookie", "ip", "ip_user_agent", "google_ad_id", "idfa"] = "cookie"
    #: Hours a visitor counts as the same for unique clicks.
    session_duration: Annotated[int, Field(ge=1, le=87_600)] = 24
    is_using_explicit_terms_and_conditions: bool = False
    is_session_tracking_enabled: bool = False
    session_tracking_start_on: Annotated[str, StringConstraints(max_length=16)] = "click"
    session_tracking_lifespan_hour: Hours = 0
    session_tracking_minimum_lifespan_second: Annotated[int, Field(ge=0, le=MAX_INT32)] = 0
    is_allow_duplicate_conversion: bool = False
    is_must_approve_conversion: bool = False
    is_duplicate_filter_enabled: bool = False
    duplicate_filter_targeting_action: Literal["unknown", "block", "fail_traffic"] = "unknown"
    is_order_id_deduplicated: bool = False
    #: Refuse clicks from known proxies / robots (they go to fail traffic; ADR 0097).
    is_block_proxy: bool = False
    is_block_robots: bool = False
    verification_token: VerificationToken = ""
    is_caps_enabled: bool = False
    payout_revenue: Annotated[list[PayoutRevenueIn], Field(min_length=1, max_length=MAX_ENTRIES)]
    #: Targeting (clicktrail/offer/ruleset.py); omitted or empty: every click is on target.
    ruleset: RulesetIn | None = None
    #: Where clicks a rule refuses go (Everflow's fail traffic); off: the network fallback.
    is_fail_traffic_enabled: bool = False
    redirect_routing_method: RoutingMethod = "unknown"
    redirect_internal_routing_type: RoutingType = "unknown"
    internal_redirects: Annotated[
        list[InternalRedirectIn] | None, Field(max_length=MAX_REDIRECTS)
    ] = None
    #: The external fail-traffic redirect (clicktrail), for ``redirect_routing_method`` external.
    fail_traffic_url: OptionalHttpUrlText = ""
    #: View-through attribution (ADR 0103): conversions without a click credited to the
    #: affiliate's latest impression within ``view_through_lookback_hour`` (0: no limit).
    is_view_through_enabled: bool = False
    view_through_destination_url: OptionalHttpUrlText = ""
    view_through_lookback_hour: Hours = 0


def entry_out(entry: OfferPayoutRevenue) -> dict[str, Any]:
    return {
        "network_offer_payout_revenue_id": entry.network_offer_payout_revenue_id,
        "network_id": 1,
        "network_offer_id": entry.network_offer_id,
        "event_id": entry.event_id,
        "entry_name": entry.entry_name,
        "event_alias": entry.event_alias,
        "payout_type": entry.payout_type,
        "payout_amount": _to_number(entry.payout_amount),
        "payout_percentage": _to_number(entry.payout_percentage),
        "revenue_type": entry.revenue_type,
        "revenue_amount": _to_number(entry.revenue_amount),
        "revenue_percentage": _to_number(entry.revenue_percentage),
        "is_default": entry.is_default,
        "is_private": entry.is_private,
    }


def offer_out(offer: Offer, advertiser: Advertiser | None = None) -> dict[str, Any]:
    """One offer as Everflow renders it; ``advertiser`` adds ``relationship.advertiser``."""
    entries = sorted(
        offer.payout_revenue, key=lambda e: (not e.is_default, e.network_offer_payout_revenue_id)
    )
    relationship: dict[str, Any] = {
        "payout_revenue": {"total": len(entries), "entries": [entry_out(e) for e in entries]},
        "ruleset": ruleset_out(offer.ruleset),
    }
    if advertiser is not None:
        relationship["advertiser"] = {
            "network_advertiser_id": advertiser.network_advertiser_id,
            "name": advertiser.name,
            "account_status": advertiser.account_status,
        }
    return {
        "network_offer_id": offer.network_offer_id,
        "network_id": offer.network_id,
        "network_advertiser_id": offer.network_advertiser_id,
        "network_offer_group_id": offer.network_offer_group_id,
        "name": offer.name,
        "offer_status": offer.offer_status,
        "destination_url": offer.destination_url,
        "server_side_url": offer.server_side_url,
        "preview_url": offer.preview_url,
        "html_description": offer.html_description,
        "internal_notes": offer.internal_notes,
        "currency_id": offer.currency_id,
        "visibility": offer.visibility,
        "network_tracking_domain_id": offer.network_tracking_domain_id,
        "conversion_method": offer.conversion_method,
        "session_definition": offer.session_definition,
        "session_duration": offer.session_duration,
        "is_using_explicit_terms_and_conditions": offer.is_using_explicit_terms_and_conditions,
        "is_session_tracking_enabled": offer.is_session_tracking_enabled,
        "session_tracking_start_on": offer.session_tracking_start_on,
        "session_tracking_lifespan_hour": offer.session_tracking_lifespan_hour,
        "session_tracking_minimum_lifespan_second": offer.session_tracking_minimum_lifespan_second,
        "is_allow_duplicate_conversion": offer.is_allow_duplicate_conversion,
        "is_must_approve_conversion": offer.is_must_approve_conversion,
        "is_duplicate_filter_enabled": offer.is_duplicate_filter_enabled,
        "duplicate_filter_targeting_action": offer.duplicate_filter_targeting_action,
        "is_order_id_deduplicated": offer.is_order_id_deduplicated,
        "is_block_proxy": offer.is_block_proxy,
        "is_block_robots": offer.is_block_robots,
        "verification_token": offer.verification_token,
        "is_fail_traffic_enabled": offer.is_fail_traffic_enabled,
        "redirect_routing_method": offer.redirect_routing_method,
        "redirect_internal_routing_type": offer.redirect_internal_routing_type,
        "internal_redirects": [dict(r) for r in offer.internal_redirects or []],
        "fail_traffic_url": offer.fail_traffic_url,
        "is_caps_enabled": offer.is_caps_enabled,
        "is_view_through_enabled": offer.is_view_through_enabled,
        "view_through_destination_url": offer.view_through_destination_url,
        "view_through_lookback_hour": offer.view_through_lookback_hour,
        **caps_out(offer),
        "time_created": unix_or_zero(offer.time_created),
        "time_saved": unix_or_zero(offer.time_saved),
        "relationship": relationship,
    }
