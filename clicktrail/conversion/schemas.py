"""Everflow wire shapes of the conversion endpoints (request bodies)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from clicktrail.conversion.adjust import NOTE_MAX
from clicktrail.kit.money import NonNegativeMoney
from clicktrail.kit.wire import Id32, Int32, LongText, ShortText
from clicktrail.meta.timezones import BY_ID

#: An amount in a request: kit.money's bounded, exact money value.
Amount = NonNegativeMoney
#: Advertiser sub-parameters (adv1..adv5).
AdvText = Annotated[str, StringConstraints(max_length=4096)]
TransactionId = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{32}$")]
ConversionId = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{32}$")]


def _timezone(value: int) -> int:
    if value not in BY_ID:
        raise ValueError("is not a known timezone_id")
    return value


class _CreateBase(BaseModel):
    model_config = ConfigDict(extra="ignore")

    offer_id: Id32
    event_id: Int32
    timezone_id: int
    is_now: bool
    date: str | None = None
    internal_notes: LongText = ""
    revenue_amount: Amount | None = None
    is_revenue_amount_submitted: bool = False
    payout_amount: Amount | None = None
    is_payout_amount_submitted: bool = False
    sale_amount: Amount | None = None
    adv1: AdvText = ""
    adv2: AdvText = ""
    adv3: AdvText = ""
    adv4: AdvText = ""
    adv5: AdvText = ""
    email: ShortText = ""
    coupon_code: ShortText = ""
    order_id: ShortText = ""

    _check_timezone = field_validator("timezone_id")(_timezone)

    def revenue_override(self) -> Decimal | None:
        if not self.is_revenue_amount_submitted:
            return None
        return self.revenue_amount if self.revenue_amount is not None else Decimal(0)

    def payout_override(self) -> Decimal | None:
        if not self.is_payout_amount_submitted:
            return None
        return self.payout_amount if self.payout_amount is not None else Decimal(0)


class ManualConversionsIn(_CreateBase):
    """Seed 000: POST /v1/networks/conversions/reporting."""

    affiliate_id: Id32
    number_of_conversions: Annotated[int, Field(ge=1, le=50)]


class TransactionConversionsIn(_CreateBase):
    """POST /v1/networks/conversions/reporting/transaction_ids: one conversion per click."""

    transaction_ids: Annotated[list[TransactionId], Field(min_length=1, max_length=1000)]


#: A note kept with a change in the conversion's history (a clicktrail addition: Everflow's
#: update calls take none, and an Everflow client that sends none loses nothing).
NoteText = Annotated[
    str,
    StringConstraints(max_length=NOTE_MAX),
    Field(description="Why the conversion changed; kept in its history."),
]


class StatusUpdateIn(BaseModel):
    """PATCH /v1/networks/reporting/conversions."""

    model_config = ConfigDict(extra="ignore")

    conversion_ids: Annotated[list[ConversionId], Field(min_length=1, max_length=1000)]
    conversion_status: Literal["approved", "rejected"]
    notes: NoteText = ""


class PayoutRevenueIn(BaseModel):
    """PUT /v1/networks/reporting/conversions/{conversion_id}/payoutrevenue: both required,
    absolute amounts (not percentages)."""

    model_config = ConfigDict(extra="ignore")

    payout: Amount
    revenue: Amount
    is_event: bool | None = None
    notes: NoteText = ""


class SaleAmountIn(BaseModel):
    """PUT /v1/networks/reporting/conversions/{conversion_id}/saleamount."""

    model_config = ConfigDict(extra="ignore")

    sale_amount: Amount
    is_event: bool | None = None
    notes: NoteText = ""


class ReportFilter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    resource_type: Annotated[str, StringConstraints(max_length=64)]
    filter_id_value: Annotated[str, StringConstraints(max_length=255)]

    @field_validator("filter_id_value", mode="before")
    @classmethod
    def _as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class SearchTerm(BaseModel):
    model_config = ConfigDict(extra="ignore")

    search_type: Annotated[str, StringConstraints(max_length=64)] = ""
    value: Annotated[str, StringConstraints(max_length=255)] = ""


class ReportQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    filters: Annotated[list[ReportFilter], Field(max_length=500)] = []
    search_terms: Annotated[list[SearchTerm], Field(max_length=50)] = []


class ConversionReportIn(BaseModel):
    """POST /v1/networks|affiliates/reporting/conversions (paging in the query string)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    from_: Annotated[str, StringConstraints(max_length=32)] = Field(alias="from")
    to: Annotated[str, StringConstraints(max_length=32)]
    timezone_id: int
    show_conversions: bool = True
    show_events: bool = True
    currency_id: str | None = None
    query: ReportQuery = ReportQuery()

    _check_timezone = field_validator("timezone_id")(_timezone)


class Window(BaseModel):
    """A parsed report window, UTC, ``start <= t < end``."""

    start: datetime
    end: datetime


class OfferPostbackOut(BaseModel):
    """GET /v1/networks/tracking/offers/{id}/conversion: what an advertiser pastes."""

    network_offer_id: int
    #: The event the URLs record (0 = the base conversion).
    event_id: int
    #: The server-to-server postback URL; ``{…}`` are the advertiser's macros to fill.
    postback_url: str
    #: The same conversion as an HTML iframe pixel (with ``oid``).
    iframe_pixel: str
    #: The same conversion as an HTML image pixel (with ``oid``).
    image_pixel: str
