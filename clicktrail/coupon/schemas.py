"""Everflow's coupon code shapes: ``/v1/networks/couponcodes`` (Network API) and
``/v1/affiliates/couponcodes`` (Affiliate API), field for field.

Request bodies refuse unknown fields. ``start_date`` / ``end_date`` are "YYYY-MM-DD" or
empty (no limit); the service checks them. ``network_affiliate_id`` 0 or absent: no
affiliate yet, as Everflow allows (such a code credits no conversion).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from clicktrail.kit.paging import Paging
from clicktrail.kit.wire import Id32, Int32, LongText
from clicktrail.models import CouponCode
from clicktrail.network.wire import unix_or_zero

CouponStatus = Literal["active", "paused"]
#: Everflow: "Must be at least 3 characters"; 255 is the column.
MIN_CODE, MAX_CODE = 3, 255
#: Most codes one bulk request creates.
MAX_BULK = 500


def _one_token(value: str) -> str:
    """A code is what a shopper types and a postback carries: printable, no blanks."""
    for ch in value:
        if ch.isspace() or not ch.isprintable():
            raise ValueError("must not contain blanks or control characters")
    return value


Code = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=MIN_CODE, max_length=MAX_CODE),
    AfterValidator(_one_token),
]
DateText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10)]


class CouponCodeIn(BaseModel):
    """POST and PUT body (PUT replaces the code: omitted fields go back to their defaults,
    as Everflow documents)."""

    model_config = ConfigDict(extra="forbid")

    #: Accepted on PUT; must name the code in the path.
    network_coupon_code_id: Id32 | None = None
    network_offer_id: Id32
    coupon_code: Code
    coupon_status: CouponStatus
    network_affiliate_id: Int32 = 0
    internal_notes: LongText = ""
    description: LongText = ""
    is_description_plain_text: bool = False
    start_date: DateText = ""
    end_date: DateText = ""


BulkIn = Annotated[list[CouponCodeIn], Field(min_length=1, max_length=MAX_BULK)]


def coupon_code_out(coupon: CouponCode) -> dict[str, Any]:
    return {
        "network_coupon_code_id": coupon.network_coupon_code_id,
        "network_id": coupon.network_id,
        "network_affiliate_id": coupon.network_affiliate_id,
        "network_offer_id": coupon.network_offer_id,
        "coupon_code": coupon.coupon_code,
        "coupon_status": coupon.coupon_status,
        "internal_notes": coupon.internal_notes,
        "time_created": unix_or_zero(coupon.time_created),
        "time_saved": unix_or_zero(coupon.time_saved),
        "start_date": coupon.start_date,
        "end_date": coupon.end_date,
        "description": coupon.description,
        "is_description_plain_text": coupon.is_description_plain_text,
        "time_deleted": 0,
    }


def affiliate_coupon_code_out(coupon: CouponCode, tracking_link: str) -> dict[str, Any]:
    """A code as its affiliate sees it: no internal notes, with its tracking link."""
    return {
        "network_id": coupon.network_id,
        "network_coupon_code_id": coupon.network_coupon_code_id,
        "network_offer_id": coupon.network_offer_id,
        "coupon_code": coupon.coupon_code,
        "coupon_status": coupon.coupon_status,
        "tracking_link": tracking_link,
        "start_date": coupon.start_date,
        "end_date": coupon.end_date,
        "description": coupon.description,
        "is_description_plain_text": coupon.is_description_plain_text,
    }


# Response models, for the OpenAPI document (clicktrail/openapi/operations.py).


class CouponCodeOut(BaseModel):
    network_coupon_code_id: int
    network_id: int
    network_affiliate_id: int
    network_offer_id: int
    coupon_code: str
    coupon_status: str
    internal_notes: str
    time_created: int
    time_saved: int
    start_date: str
    end_date: str
    description: str
    is_description_plain_text: bool
    time_deleted: int


class CouponCodeList(BaseModel):
    coupon_codes: list[CouponCodeOut]
    paging: Paging


class CouponCodeBulkOut(BaseModel):
    coupon_codes: list[CouponCodeOut]


class AffiliateCouponCodeOut(BaseModel):
    network_id: int
    network_coupon_code_id: int
    network_offer_id: int
    coupon_code: str
    coupon_status: str
    tracking_link: str
    start_date: str
    end_date: str
    description: str
    is_description_plain_text: bool


class AffiliateCouponCodeList(BaseModel):
    coupon_codes: list[AffiliateCouponCodeOut]
