"""Success bodies of ``/v1/networks/custom/payoutrevenue`` (Everflow's custom payout/revenue
settings). Documentation models only: the endpoints build their bodies themselves."""

from __future__ import annotations

from pydantic import BaseModel, Field

from clicktrail.openapi.everflow_entities import Number, Paging


class CustomPayoutRevenueOut(BaseModel):
    network_custom_payout_revenue_setting_id: int
    network_id: int
    network_offer_id: int
    network_offer_payout_revenue_id: int = Field(description="0 is the base conversion.")
    name: str
    custom_setting_status: str = Field(description="active or inactive.")
    is_apply_all_affiliates: bool
    network_affiliate_ids: list[int] | None = Field(
        description="null when the setting applies to all affiliates."
    )
    is_custom_payout_enabled: bool
    payout_type: str
    payout_amount: Number
    payout_percentage: Number
    is_custom_revenue_enabled: bool
    revenue_type: str
    revenue_amount: Number
    revenue_percentage: Number
    description: str
    public_description: str
    is_postback_disabled: bool
    date_valid_from: str = Field(description='UTC "YYYY-MM-DD HH:MM:SS", or "" (open).')
    date_valid_to: str = Field(description='UTC "YYYY-MM-DD HH:MM:SS", or "" (open).')
    is_apply_specific_offer_urls: bool
    network_offer_url_ids: list[int]
    currency_id: str
    time_created: int
    time_saved: int


class CustomPayoutRevenueList(BaseModel):
    custom_payout_revenue_settings: list[CustomPayoutRevenueOut]
    paging: Paging
