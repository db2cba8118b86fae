"""Success bodies of the Everflow-compatible reporting endpoints: raw conversions, raw clicks
(seed 003), the postback report (seed 002) and aggregated reports.

The affiliate realm sees a subset of the network's fields; each network model extends the
affiliate one with the network-only fields. Documentation models only.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from clicktrail.openapi.everflow_entities import (
    FreeObject,
    Number,
    Paging,
    PixelAffiliate,
    PixelOffer,
)


class NamedOffer(BaseModel):
    network_offer_id: int
    network_id: int
    name: str


class NamedAffiliate(BaseModel):
    network_affiliate_id: int
    network_id: int
    name: str


class NamedAdvertiser(BaseModel):
    network_advertiser_id: int
    network_id: int
    name: str


class DeviceIds(BaseModel):
    """The mobile device ids a click carries (and its conversions repeat), each also hashed."""

    idfa: str
    idfa_md5: str
    idfa_sha1: str
    google_ad_id: str
    google_ad_id_md5: str
    google_ad_id_sha1: str
    android_id: str
    android_id_md5: str
    android_id_sha1: str


class AffiliateConversionRelationship(BaseModel):
    offer: NamedOffer
    events_count: int


class NetworkConversionRelationship(AffiliateConversionRelationship):
    affiliate: NamedAffiliate
    advertiser: NamedAdvertiser
    attributes: FreeObject


class AffiliateConversion(DeviceIds):
    """A conversion as the affiliate sees it (no revenue, no advertiser data)."""

    conversion_id: str
    conversion_unix_timestamp: int
    transaction_id: str = Field(description="Empty for conversions without a click.")
    click_unix_timestamp: int
    status: str
    payout_type: str
    payout: Number
    sale_amount: Number
    currency_id: str
    is_event: bool
    event: str
    network_offer_payout_revenue_id: int
    is_view_through: bool
    is_scrub: bool
    sub1: str
    sub2: str
    sub3: str
    sub4: str
    sub5: str
    source_id: str
    order_id: str
    coupon_code: str
    conversion_user_ip: str
    country: str
    region: str
    city: str
    platform: str
    device_type: str
    browser: str
    previous_network_offer_id: int
    session_user_ip: str
    dma: int
    carrier: str
    os_version: str
    device_model: str
    brand: str
    language: str
    http_user_agent: str
    url: str
    isp: str
    referer: str
    app_id: str
    relationship: AffiliateConversionRelationship


class NetworkConversion(AffiliateConversion):
    revenue_type: str
    revenue: Number
    notes: str
    error_code: int
    error_message: str
    adv1: str
    adv2: str
    adv3: str
    adv4: str
    adv5: str
    email: str
    relationship: NetworkConversionRelationship


class ConversionChange(BaseModel):
    """One entry of a conversion's history: a field changed after it was recorded."""

    field: str = Field(description="status, payout, revenue or sale_amount.")
    old_value: str = Field(description="A status, or the exact decimal amount.")
    new_value: str
    notes: str
    actor_type: str = Field(description="api_key, user or system.")
    actor_id: int | None
    actor_label: str
    unix_timestamp: int


class NetworkConversionDetail(NetworkConversion):
    """GET by id: the conversion and its history, oldest change first."""

    history: list[ConversionChange]


class AffiliateConversionList(BaseModel):
    conversions: list[AffiliateConversion]
    paging: Paging


class NetworkConversionList(BaseModel):
    conversions: list[NetworkConversion]
    paging: Paging


class ClickOffer(BaseModel):
    network_offer_id: int
    network_id: int
    name: str
    offer_status: str
    network_tracking_domain_id: int


class Geolocation(BaseModel):
    country_code: str
    country_name: str
    region_code: str
    region_name: str
    city_name: str
    dma: int
    dma_name: str
    timezone: str
    carrier_name: str
    carrier_code: int
    organization: str
    isp_name: str
    is_mobile: bool
    is_proxy: bool
    postal_code: str


class DeviceInformation(BaseModel):
    is_mobile: bool
    platform_name: str
    os_version: str
    brand: str
    model: str
    is_tablet: bool
    browser_name: str
    browser_version: str
    device_type: str
    language: str
    http_accept_language: str
    is_robot: bool
    is_filter: bool


class ClickRelationship(BaseModel):
    offer: ClickOffer | None = Field(description="null when the click's offer is unknown.")
    geolocation: Geolocation
    device_information: DeviceInformation
    query_parameters: FreeObject | None


class AffiliateClick(DeviceIds):
    """A raw click as seed 003 shows it; ``revenue`` is what the affiliate earns."""

    transaction_id: str
    is_unique: int = Field(description="1 or 0.")
    unix_timestamp: int
    tracking_url: str
    source_id: str
    sub1: str
    sub2: str
    sub3: str
    sub4: str
    sub5: str
    revenue_type: str
    revenue: Number
    referer: str
    error_code: int
    user_ip: str
    error_message: str
    relationship: ClickRelationship
    currency_id: str
    coupon_code: str


class NetworkClick(AffiliateClick):
    network_affiliate_id: int
    network_advertiser_id: int
    payout_type: str
    payout: Number
    user_agent: str
    has_conversion: bool


class AffiliateClickStream(BaseModel):
    clicks: list[AffiliateClick] = Field(
        description="Newest first; X-Clicktrail-Truncated says whether more matched."
    )


class NetworkClickStream(BaseModel):
    clicks: list[NetworkClick]


class PixelReportRelationship(BaseModel):
    offer: PixelOffer
    affiliate: PixelAffiliate


class PixelReportRow(BaseModel):
    """One affiliate postback (seed 002)."""

    network_id: int
    network_offer_id: int
    network_offer_payout_revenue_id: int
    affiliate_id: int
    pixel_id: int
    conversion_id: str
    transaction_id: str
    timestamp: int
    delivery_method: str
    pixel_level: str
    pixel_status: str
    pixel_type: str
    payload: str
    is_success: bool
    debug_information: str
    last_attempt: int
    failed_attempts: int
    relationship: PixelReportRelationship


class PixelReport(BaseModel):
    pixels: list[PixelReportRow] = Field(description="At most 1000 rows; use the export.")


class AffiliateMetrics(BaseModel):
    """An affiliate's metrics (never the network's revenue, profit or margin)."""

    imp: int
    total_click: int
    unique_click: int
    invalid_click: int
    duplicate_click: int
    ctr: Number
    cv: int
    view_through_cv: int
    event: int
    cvr: Number
    evr: Number
    epc: Number
    payout: Number
    on_hold_conversion_count: int
    on_hold_potential_payout: Number


class NetworkMetrics(AffiliateMetrics):
    gross_click: int
    invalid_cv_scrub: int
    total_cv: int
    cpc: Number
    cpm: Number
    cpa: Number
    rpc: Number
    rpa: Number
    rpm: Number
    revenue: Number
    gross_sales: Number
    profit: Number
    margin: Number
    avg_sale_value: Number
    on_hold_potential_revenue: Number


class ReportCell(BaseModel):
    column_type: str
    id: str
    label: str


class AffiliateReportRow(BaseModel):
    columns: list[ReportCell]
    reporting: AffiliateMetrics


class NetworkReportRow(BaseModel):
    columns: list[ReportCell]
    reporting: NetworkMetrics


class AffiliateReportTable(BaseModel):
    table: list[AffiliateReportRow]
    summary: AffiliateMetrics
    incomplete_results: bool


class NetworkReportTable(BaseModel):
    table: list[NetworkReportRow] = Field(description="At most 10,000 rows; use the export.")
    summary: NetworkMetrics
    incomplete_results: bool
