"""Affonso's request bodies. Field names are Affonso's (``POST /v1/clicks`` is camelCase,
the rest snake_case); both spellings are accepted where clients are known to send either.
Unknown fields are ignored. Values are checked here for shape only; the referral services
check what needs the database (unknown program, click, currency rate …)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator

from clicktrail.kit.money import NonNegativeMoney, PositiveMoney, Rate
from clicktrail.kit.wire import Day, Moment, Name, OptionalName

COMMISSION_STATUSES = (
    "pending",
    "pending_manual_approval",
    "ready_for_payment",
    "processing_payout",
    "paid",
    "declined",
    "refunded",
    "dispute",
)
SALES_STATUSES = ("open", "complete", "trialing", "failed", "refunded", "partial_refunded")
REFERRAL_STATUSES = ("lead", "trialing", "customer", "active", "canceled", "rejected")

CommissionStatus = Literal[
    "pending",
    "pending_manual_approval",
    "ready_for_payment",
    "processing_payout",
    "paid",
    "declined",
    "refunded",
    "dispute",
]
SalesStatus = Literal["open", "complete", "trialing", "failed", "refunded", "partial_refunded"]
ReferralStatus = Literal["lead", "trialing", "customer", "active", "canceled", "rejected"]
Interval = Literal["monthly", "yearly"]

Short = Annotated[str, Field(max_length=255)]
Ident = Annotated[str, Field(min_length=1, max_length=255)]
Amount = PositiveMoney
Currency = Annotated[str, Field(pattern=r"^[A-Za-z]{3}$")]
IdList = Annotated[list[Ident], Field(max_length=100)]


def _alias(*names: str) -> Any:
    return Field(default=None, validation_alias=AliasChoices(*names))


def _aware(value: datetime | None) -> datetime | None:
    """ISO 8601 without an offset is read as UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class AffonsoModel(BaseModel):
    model_config = ConfigDict(extra="ignore", coerce_numbers_to_str=True, populate_by_name=True)


class ClickIn(AffonsoModel):
    program_id: Ident = Field(validation_alias=AliasChoices("programId", "program_id"))
    tracking_id: Ident = Field(validation_alias=AliasChoices("trackingId", "tracking_id"))
    created_at: Moment | None = _alias("createdAt", "created_at")
    sub1: Short | None = None
    sub2: Short | None = None
    sub3: Short | None = None
    sub4: Short | None = None
    sub5: Short | None = None
    referrer: Annotated[str, Field(max_length=2000)] | None = None
    ip: Annotated[str, Field(max_length=45)] | None = None
    user_agent: Annotated[str, Field(max_length=1000)] | None = _alias("userAgent", "user_agent")
    utm_source: Short | None = _alias("utmSource", "utm_source")
    utm_medium: Short | None = _alias("utmMedium", "utm_medium")
    utm_campaign: Short | None = _alias("utmCampaign", "utm_campaign")
    utm_term: Short | None = _alias("utmTerm", "utm_term")
    utm_content: Short | None = _alias("utmContent", "utm_content")
    gclid: Short | None = None
    fbclid: Short | None = None
    msclkid: Short | None = None
    ttclid: Short | None = None

    _utc = field_validator("created_at")(_aware)


class SignupIn(AffonsoModel):
    click_id: Ident = Field(validation_alias=AliasChoices("click_id", "clickId"))
    email: Annotated[str, Field(max_length=320)] | None = None
    external_user_id: Ident | None = _alias("external_user_id", "externalUserId")
    name: OptionalName | None = None


class ReferralUpdate(AffonsoModel):
    email: Annotated[str, Field(max_length=320)] | None = None
    customer_id: Ident | None = None
    external_user_id: Ident | None = None
    subscription_id: Short | None = None
    status: ReferralStatus | None = None
    name: OptionalName | None = None
    metadata: dict[str, Any] | None = None


class ConversionIn(AffonsoModel):
    referral_id: Ident | None = _alias(
        "referral_id",
        "referralId",
        "affonso_referral",
        "affonsoReferral",
        "affonso_id",
        "affonsoId",
    )
    customer_id: Ident | None = None
    external_user_id: Ident | None = None
    click_id: Ident | None = _alias("click_id", "clickId")
    sale_amount: Amount
    sale_amount_currency: Currency | None = None
    product_ids: IdList | None = None
    price_ids: IdList | None = None
    interval: Interval | None = None
    is_subscription: bool = False
    external_event_id: Ident | None = None
    status: CommissionStatus | None = None
    sales_status: SalesStatus | None = None
    created_at: Moment | None = None
    metadata: dict[str, Any] | None = None

    _utc = field_validator("created_at")(_aware)

    @field_validator("sale_amount", mode="before")
    @classmethod
    def _number_only(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("must be a number")
        return value


class RefundIn(AffonsoModel):
    amount: Amount | None = None
    currency: Currency | None = None
    reason: Annotated[str, Field(max_length=1000)] | None = None
    external_event_id: Ident | None = None
    refunded_at: Moment | None = None

    _utc = field_validator("refunded_at")(_aware)


class IncentiveIn(AffonsoModel):
    program_id: Ident = Field(validation_alias=AliasChoices("program_id", "programId"))
    group_id: Ident | None = _alias("group_id", "groupId")
    name: OptionalName = ""
    amount: NonNegativeMoney
    is_percentage: bool = True
    currency: Currency | None = None
    apply_to: Literal["first_sale", "all_sales"] = "all_sales"
    interval: Interval | None = None
    product_ids: IdList | None = None
    price_ids: IdList | None = None
    approval_type: Literal["auto", "manual"] = "auto"
    hold_period_days: Annotated[int, Field(ge=0, le=3650)] = 0
    commission_cap: PositiveMoney | None = None
    is_active: bool = True


class IncentiveUpdate(AffonsoModel):
    """Every field optional; only those sent change (null clears a nullable one)."""

    group_id: Ident | None = _alias("group_id", "groupId")
    name: OptionalName | None = None
    amount: NonNegativeMoney | None = None
    is_percentage: bool | None = None
    currency: Currency | None = None
    apply_to: Literal["first_sale", "all_sales"] | None = None
    interval: Interval | None = None
    product_ids: IdList | None = None
    price_ids: IdList | None = None
    approval_type: Literal["auto", "manual"] | None = None
    hold_period_days: Annotated[int, Field(ge=0, le=3650)] | None = None
    commission_cap: PositiveMoney | None = None
    is_active: bool | None = None


class GroupIn(AffonsoModel):
    name: Name
    description: Annotated[str, Field(max_length=2000)] | None = None
    is_default: bool = False


class GroupUpdate(AffonsoModel):
    name: Name | None = None
    description: Annotated[str, Field(max_length=2000)] | None = None
    is_default: bool | None = None


class AffiliateCodeIn(AffonsoModel):
    tracking_id: Annotated[str, Field(min_length=1, max_length=64)] | None = _alias(
        "tracking_id", "trackingId"
    )
    group_id: Ident | None = _alias("group_id", "groupId")


class RateIn(AffonsoModel):
    currency: Currency
    rate: Rate
    date: Day
    quote_currency: Currency | None = None
    source: Annotated[str, Field(max_length=64)] = "api"
