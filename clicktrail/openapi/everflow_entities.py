"""Success bodies of the Everflow-compatible entity endpoints: metadata, the network,
advertisers, affiliates, offers, pixels (field names and types as Everflow documents them).

Documentation models only: the endpoints build their bodies themselves; these describe them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from clicktrail.openapi.everflow_caps import CapFieldsOut

#: A JSON number: money and percentages are exact decimals rendered as numbers.
Number = float


class Timezone(BaseModel):
    timezone_id: int
    timezone_name: str
    timezone: str = Field(description="IANA name.")
    utc_offset: str = Field(description="Offset in effect now, e.g. +02:00.")


class TimezoneList(BaseModel):
    timezones: list[Timezone]


class Currency(BaseModel):
    currency_id: str = Field(description="ISO 4217 code.")
    name: str
    currency_name: str


class CurrencyList(BaseModel):
    currencies: list[Currency]


class Country(BaseModel):
    country_code: str = Field(description="ISO 3166-1 alpha-2.")
    country_name: str
    country_id: int | None = None


class CountryList(BaseModel):
    countries: list[Country]


class Paging(BaseModel):
    page: int
    page_size: int
    total_count: int


class Result(BaseModel):
    result: bool


class NetworkOut(BaseModel):
    network_id: int
    name: str
    account_status: str
    timezone_id: int
    reporting_timezone_id: int
    currency_id: str
    default_currency_id: str
    fallback_url: str
    time_created: int
    time_saved: int


class ContactAddressOut(BaseModel):
    address_1: str
    address_2: str
    city: str
    region_code: str
    country_code: str
    zip_postal_code: str


class LabelsOut(BaseModel):
    total: int
    entries: list[str]


class LabelsRelationship(BaseModel):
    labels: LabelsOut


class AdvertiserOut(BaseModel):
    network_advertiser_id: int
    network_id: int
    name: str
    account_status: str
    network_employee_id: int
    sales_manager_id: int
    internal_notes: str
    default_currency_id: str
    reporting_timezone_id: int
    platform_name: str
    platform_url: str
    platform_username: str
    accounting_contact_email: str
    attribution_method: str
    email_attribution_method: str
    attribution_priority: str
    verification_token: str
    offer_id_macro: str
    affiliate_id_macro: str
    is_contact_address_enabled: bool
    contact_address: ContactAddressOut | None
    time_created: int
    time_saved: int
    relationship: LabelsRelationship


class AdvertiserList(BaseModel):
    advertisers: list[AdvertiserOut]
    paging: Paging


class AffiliateOut(BaseModel):
    network_affiliate_id: int
    network_id: int
    name: str
    account_status: str
    network_employee_id: int
    network_traffic_source_id: int
    network_affiliate_tier_id: int
    internal_notes: str
    default_currency_id: str
    referrer_id: int
    enable_media_cost_tracking_links: bool
    is_contact_address_enabled: bool
    contact_address: ContactAddressOut | None
    has_notifications: bool
    time_created: int
    time_saved: int
    relationship: LabelsRelationship


class AffiliateList(BaseModel):
    affiliates: list[AffiliateOut]
    paging: Paging


class PayoutRevenueOut(BaseModel):
    network_offer_payout_revenue_id: int
    network_id: int
    network_offer_id: int
    event_id: int = Field(description="0 is the base conversion.")
    entry_name: str
    event_alias: str
    payout_type: str
    payout_amount: Number
    payout_percentage: Number
    revenue_type: str
    revenue_amount: Number
    revenue_percentage: Number
    is_default: bool
    is_private: bool


class PayoutRevenueList(BaseModel):
    total: int
    entries: list[PayoutRevenueOut]


class AdvertiserBrief(BaseModel):
    network_advertiser_id: int
    name: str
    account_status: str


class OfferRelationship(BaseModel):
    payout_revenue: PayoutRevenueList
    advertiser: AdvertiserBrief | None = Field(
        None, description="Present with ?relationship=advertiser (or all)."
    )


class OfferOut(CapFieldsOut):
    network_offer_id: int
    network_id: int
    network_advertiser_id: int
    network_offer_group_id: int
    name: str
    offer_status: str
    destination_url: str
    server_side_url: str
    preview_url: str
    html_description: str
    internal_notes: str
    currency_id: str
    visibility: str
    network_tracking_domain_id: int
    conversion_method: str
    session_definition: str
    session_duration: int
    is_using_explicit_terms_and_conditions: bool
    is_session_tracking_enabled: bool
    session_tracking_start_on: str
    session_tracking_lifespan_hour: int
    session_tracking_minimum_lifespan_second: int
    is_allow_duplicate_conversion: bool
    is_must_approve_conversion: bool
    is_duplicate_filter_enabled: bool
    duplicate_filter_targeting_action: str
    is_order_id_deduplicated: bool
    is_block_proxy: bool
    is_block_robots: bool
    verification_token: str
    is_caps_enabled: bool
    is_view_through_enabled: bool
    view_through_destination_url: str
    view_through_lookback_hour: int
    time_created: int
    time_saved: int
    relationship: OfferRelationship


class OfferList(BaseModel):
    offers: list[OfferOut]
    paging: Paging


class PixelOffer(BaseModel):
    network_offer_id: int
    network_id: int
    network_advertiser_id: int
    network_offer_group_id: int
    name: str
    offer_status: str
    network_tracking_domain_id: int
    visibility: str
    currency_id: str


class PixelAffiliate(BaseModel):
    network_affiliate_id: int
    network_id: int
    name: str
    account_status: str
    network_traffic_source_id: int


class PixelRelationship(BaseModel):
    offer: PixelOffer | None = Field(None, description="Absent for global pixels.")
    affiliate: PixelAffiliate | None = None


class PixelOut(BaseModel):
    network_pixel_id: int
    network_id: int
    network_affiliate_id: int
    network_offer_id: int
    network_offer_payout_revenue_id: int
    delivery_method: str
    pixel_level: str
    pixel_status: str
    pixel_type: str
    postback_url: str
    html_code: str
    description: str
    delay_ms: int
    disabled_reason: str
    time_created: int
    time_saved: int
    relationship: PixelRelationship


class PixelList(BaseModel):
    pixels: list[PixelOut]


class ResendOne(BaseModel):
    result: bool
    pixel_id: int
    conversion_id: str
    resent: int = Field(description="1 when queued to send now.")
    paused: int = Field(description="1 when kept until the pixel is active again.")


class ResendMany(BaseModel):
    result: bool
    resent: int
    paused: int


#: JSON objects whose keys are free (query parameters, stored attributes).
FreeObject = dict[str, Any]
