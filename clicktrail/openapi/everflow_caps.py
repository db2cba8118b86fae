"""Response bodies of the caps endpoints, for the OpenAPI document."""

from __future__ import annotations

from pydantic import BaseModel

from clicktrail.kit.paging import Paging


class CapFieldsOut(BaseModel):
    """Everflow's sixteen cap fields (0 = no cap)."""

    daily_click_cap: int
    weekly_click_cap: int
    monthly_click_cap: int
    global_click_cap: int
    daily_conversion_cap: int
    weekly_conversion_cap: int
    monthly_conversion_cap: int
    global_conversion_cap: int
    daily_payout_cap: float
    weekly_payout_cap: float
    monthly_payout_cap: float
    global_payout_cap: float
    daily_revenue_cap: float
    weekly_revenue_cap: float
    monthly_revenue_cap: float
    global_revenue_cap: float


class CustomCapAffiliate(BaseModel):
    network_affiliate_id: int
    network_id: int
    name: str
    account_status: str


class CustomCapOffer(BaseModel):
    network_offer_id: int
    network_id: int
    network_advertiser_id: int
    network_offer_group_id: int
    name: str
    offer_status: str
    network_tracking_domain_id: int
    visibility: str
    currency_id: str


class CustomCapRelationship(BaseModel):
    affiliate: CustomCapAffiliate | None = None
    offer: CustomCapOffer | None = None


class CustomCapOut(CapFieldsOut):
    network_custom_cap_setting_id: int
    network_id: int
    network_affiliate_id: int
    network_offer_id: int
    name: str
    is_soft_cap: bool
    time_created: int
    time_saved: int
    relationship: CustomCapRelationship


class CustomCapList(BaseModel):
    custom_cap_settings: list[CustomCapOut]
    paging: Paging


class CapUsage(BaseModel):
    network_offer_id: int
    offer_name: str
    network_affiliate_id: int
    network_custom_cap_setting_id: int
    is_soft_cap: bool
    cap_type: str
    period: str
    period_start: str
    limit: float
    current: float
    remaining: float
    percentage_used: float
    is_reached: bool


class CapReportOut(BaseModel):
    timezone_id: int
    caps: list[CapUsage]
