"""Success bodies of the Affonso-compatible endpoints: ``{"success": true, "data": ...}``.

Ids are strings; times are ISO 8601 UTC with milliseconds (``2025-01-31T12:00:00.000Z``);
money is a JSON number. Documentation models only.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, Field

from clicktrail.openapi.everflow_entities import FreeObject, Number

Data = TypeVar("Data")


class Envelope(BaseModel, Generic[Data]):
    success: Literal[True]
    data: Data


class Page(Envelope[Data], Generic[Data]):
    has_more: bool = Field(description="More rows after this page (cursor paging).")


class Imported(Envelope[Data], Generic[Data]):
    imported: int = Field(description="How many rates were stored.")


class Deleted(BaseModel):
    success: Literal[True]
    message: str


class Click(BaseModel):
    id: str = Field(description="The click's transaction id.")
    tracking_id: str
    program_id: str | None
    affiliate_id: str | None
    created_at: str | None


class Referral(BaseModel):
    id: str
    affiliate_id: str | None
    program_id: str | None
    email: str | None
    customer_id: str | None
    external_user_id: str | None
    subscription_id: str | None
    click_id: str | None
    status: str
    name: str | None
    metadata: FreeObject | None
    created_at: str | None
    converted_at: str | None


class Conversion(BaseModel):
    id: str
    referral_id: str
    affiliate_id: str | None
    program_id: str | None
    sale_amount: Number | None
    sale_amount_currency: str
    commission_amount: Number | None
    commission_currency: str
    status: str
    sales_status: str
    hold_period_days: int | None
    payment_intent_id: str | None
    invoice_id: str | None
    earning_id: str | None
    earning_type: str | None
    external_event_id: str | None
    calculation_mode: str
    matched_incentive_id: str | None
    replayed: bool = Field(description="true when an earlier request with this key answered.")
    source_event_id: str | None
    original_sale_amount: Number | None
    original_sale_amount_currency: str
    exchange_rate: Number | None
    refunded_amount: Number | None
    metadata: FreeObject | None
    created_at: str | None
    updated_at: str | None


class Incentive(BaseModel):
    id: str
    program_id: str
    group_id: str | None
    name: str
    type: str
    amount: Number | None
    is_percentage: bool
    currency: str
    apply_to: str
    interval: str | None
    product_ids: list[str]
    price_ids: list[str]
    approval_type: str
    hold_period_days: int | None
    commission_cap: Number | None
    is_active: bool
    created_at: str | None
    updated_at: str | None


class Group(BaseModel):
    id: str
    name: str
    description: str | None
    is_default: bool
    affiliate_count: int
    created_at: str | None


class AffiliateCode(BaseModel):
    affiliate_id: str
    tracking_id: str | None
    group_id: str | None
    created_at: str | None
    updated_at: str | None


class ExchangeRate(BaseModel):
    id: str
    currency: str
    quote_currency: str
    rate: Number | None
    date: str = Field(description="YYYY-MM-DD")
    source: str
    created_at: str | None
    updated_at: str | None
