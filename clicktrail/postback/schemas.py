"""Wire shapes of the postback domain (Everflow field names)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clicktrail.kit.wire import Int32, LongText

MAX_DELAY_MS = 300_000

DeliveryMethod = Literal["postback", "html"]
PixelStatus = Literal["active", "inactive"]
#: Everflow's Network API says "event"; its Affiliate API says "post_conversion".
PixelType = Literal["conversion", "event", "post_conversion"]


class PixelBody(BaseModel):
    """Fields both realms send."""

    model_config = ConfigDict(extra="ignore")

    network_offer_id: Int32 = 0
    network_offer_payout_revenue_id: Int32 = 0
    delivery_method: DeliveryMethod = "postback"
    pixel_status: PixelStatus = "active"
    pixel_type: PixelType = "conversion"
    postback_url: LongText = ""
    html_code: LongText = ""
    description: LongText = ""
    delay_ms: int = Field(0, ge=0, le=MAX_DELAY_MS)

    @field_validator("postback_url", "html_code", "description", mode="before")
    @classmethod
    def _none_is_empty(cls, value: object) -> object:
        return "" if value is None else value


class NetworkPixelIn(PixelBody):
    network_affiliate_id: Int32 = 0
    pixel_level: Literal["global", "specific", "global_offer"]


class AffiliatePixelIn(PixelBody):
    """The affiliate realm: the pixel belongs to the caller, whatever the body says."""

    pixel_level: Literal["global", "specific"]


class ReportFilter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    resource_type: str = Field(max_length=64)
    filter_id_value: str = Field(max_length=64)

    @field_validator("filter_id_value", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        return (
            str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value
        )


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    filters: list[ReportFilter] = Field(default_factory=list, max_length=500)
    exclusions: list[ReportFilter] = Field(default_factory=list, max_length=500)


class PixelReportIn(BaseModel):
    """``POST /v1/networks/reporting/affiliate/pixels`` (seed 002)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    timezone_id: Int32
    from_: str = Field(alias="from", max_length=32)
    to: str = Field(max_length=32)
    query: ReportQuery = Field(default_factory=ReportQuery)


class PixelExportIn(PixelReportIn):
    """``POST …/pixels/export``: the report's body plus ``format``."""

    format: str = Field(max_length=16)
