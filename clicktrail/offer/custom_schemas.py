"""Everflow's custom payout/revenue shapes (``/v1/networks/custom/payoutrevenue``).

Dates (``date_valid_from``, ``date_valid_to``) are UTC text: ``""`` (open),
``YYYY-MM-DD`` (a whole day: from its first second, to its last) or
``YYYY-MM-DD HH:MM:SS``; answers write them as ``YYYY-MM-DD HH:MM:SS`` or ``""``.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from clicktrail.kit.money import NonNegativeMoney, _to_number
from clicktrail.kit.timeutil import DATE_FORMAT, DATETIME_FORMAT, check_moment
from clicktrail.kit.wire import Id32, Int32, LongText, OptionalName, Percent
from clicktrail.models import CustomPayoutRevenue
from clicktrail.network.wire import unix_or_zero
from clicktrail.offer.schemas import PayoutType, RevenueType

CustomPayoutType = Literal["blank", PayoutType]
CustomRevenueType = Literal["blank", RevenueType]
SettingStatus = Literal["active", "inactive"]
#: Most affiliates one setting may name.
MAX_AFFILIATES = 1000


def _date_text(value: str) -> str:
    if value and parse_valid(value, end=False) is None:
        raise ValueError("must be YYYY-MM-DD or YYYY-MM-DD HH:MM:SS")
    return value


DateText = Annotated[str, StringConstraints(max_length=19), AfterValidator(_date_text)]


def parse_valid(text: str, *, end: bool) -> datetime | None:
    """A validity bound (UTC); a bare date as ``end`` means its last second. None when the
    text is neither form or out of 1970..2099."""
    if not text.isascii():
        return None
    for form in (DATETIME_FORMAT, DATE_FORMAT):
        try:
            moment = datetime.strptime(text, form).replace(tzinfo=UTC)
        except ValueError:
            continue
        if form == DATE_FORMAT and end:
            moment = datetime.combine(moment.date(), time(23, 59, 59), UTC)
        try:
            return check_moment(moment)
        except ValueError:
            return None
    return None


class CustomPayoutRevenueIn(BaseModel):
    """POST and PUT body (PUT replaces the whole setting: omitted fields take defaults)."""

    model_config = ConfigDict(extra="ignore")

    network_offer_id: Id32
    #: 0 = the base conversion; else one of the offer's payout_revenue entries.
    network_offer_payout_revenue_id: Int32 = 0
    name: OptionalName = ""
    custom_setting_status: SettingStatus = "active"
    is_apply_all_affiliates: bool = False
    network_affiliate_ids: Annotated[list[Id32], Field(max_length=MAX_AFFILIATES)] = []
    is_custom_payout_enabled: bool = False
    payout_type: CustomPayoutType = "blank"
    payout_amount: NonNegativeMoney = Decimal(0)
    payout_percentage: Percent = Decimal(0)
    is_custom_revenue_enabled: bool = False
    revenue_type: CustomRevenueType = "blank"
    revenue_amount: NonNegativeMoney = Decimal(0)
    revenue_percentage: Percent = Decimal(0)
    description: LongText = ""
    public_description: LongText = ""
    is_postback_disabled: bool = False
    date_valid_from: DateText = ""
    date_valid_to: DateText = ""
    #: Offer URLs are not modelled: only false (the default) is accepted.
    is_apply_specific_offer_urls: Literal[False] = False
    network_offer_url_ids: Annotated[list[Int32], Field(max_length=0)] = []


def _date_out(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime(DATETIME_FORMAT) if moment is not None else ""


def setting_out(setting: CustomPayoutRevenue, currency_id: str) -> dict[str, Any]:
    """One setting as Everflow renders it."""
    ids = None if setting.is_apply_all_affiliates else sorted(setting.network_affiliate_ids)
    return {
        "network_custom_payout_revenue_setting_id": (
            setting.network_custom_payout_revenue_setting_id
        ),
        "network_id": 1,
        "network_offer_id": setting.network_offer_id,
        "network_offer_payout_revenue_id": setting.network_offer_payout_revenue_id,
        "name": setting.name,
        "custom_setting_status": setting.custom_setting_status,
        "is_apply_all_affiliates": setting.is_apply_all_affiliates,
        "network_affiliate_ids": ids,
        "is_custom_payout_enabled": setting.is_custom_payout_enabled,
        "payout_type": setting.payout_type,
        "payout_amount": _to_number(setting.payout_amount),
        "payout_percentage": _to_number(setting.payout_percentage),
        "is_custom_revenue_enabled": setting.is_custom_revenue_enabled,
        "revenue_type": setting.revenue_type,
        "revenue_amount": _to_number(setting.revenue_amount),
        "revenue_percentage": _to_number(setting.revenue_percentage),
        "description": setting.description,
        "public_description": setting.public_description,
        "is_postback_disabled": setting.is_postback_disabled,
        "date_valid_from": _date_out(setting.date_valid_from),
        "date_valid_to": _date_out(setting.date_valid_to),
        "is_apply_specific_offer_urls": False,
        "network_offer_url_ids": [],
        "currency_id": currency_id,
        "time_created": unix_or_zero(setting.time_created),
        "time_saved": unix_or_zero(setting.time_saved),
    }
