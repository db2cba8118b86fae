"""Everflow's advertiser shapes (``/v1/networks/advertisers``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, StringConstraints

from clicktrail.kit.wire import Int32, LongText, Name, OptionalHttpUrlText, ShortText
from clicktrail.models import Advertiser
from clicktrail.network.wire import (
    ContactAddress,
    CurrencyId,
    Labels,
    TimezoneId,
    labels_relationship,
    unix_or_zero,
)

AccountStatus = Literal["active", "inactive", "suspended", "pending"]
#: Everflow: at most 50 letters and digits.
VerificationToken = Annotated[str, StringConstraints(max_length=50, pattern=r"^[A-Za-z0-9]*$")]
Macro = Annotated[str, StringConstraints(max_length=64, pattern=r"^[A-Za-z0-9_\-]*$")]


class AdvertiserIn(BaseModel):
    """POST and PUT body. PUT replaces the whole advertiser: omitted fields take defaults."""

    name: Name
    account_status: AccountStatus = "active"
    default_currency_id: CurrencyId = "USD"
    reporting_timezone_id: TimezoneId = 67
    network_employee_id: Int32 = 0
    sales_manager_id: Int32 = 0
    internal_notes: LongText = ""
    platform_name: ShortText = ""
    platform_url: OptionalHttpUrlText = ""
    platform_username: ShortText = ""
    accounting_contact_email: ShortText = ""
    attribution_method: Literal["last_touch", "first_touch"] = "last_touch"
    email_attribution_method: Literal[
        "last_affiliate_attribution", "first_affiliate_attribution"
    ] = "last_affiliate_attribution"
    attribution_priority: Literal["click", "coupon_code"] = "click"
    verification_token: VerificationToken = ""
    offer_id_macro: Macro = "oid"
    affiliate_id_macro: Macro = "affid"
    is_contact_address_enabled: bool = False
    contact_address: ContactAddress | None = None
    labels: Labels = []


def advertiser_out(advertiser: Advertiser) -> dict[str, Any]:
    """One advertiser as Everflow renders it."""
    return {
        "network_advertiser_id": advertiser.network_advertiser_id,
        "network_id": advertiser.network_id,
        "name": advertiser.name,
        "account_status": advertiser.account_status,
        "network_employee_id": advertiser.network_employee_id,
        "sales_manager_id": advertiser.sales_manager_id,
        "internal_notes": advertiser.internal_notes,
        "default_currency_id": advertiser.default_currency_id,
        "reporting_timezone_id": advertiser.reporting_timezone_id,
        "platform_name": advertiser.platform_name,
        "platform_url": advertiser.platform_url,
        "platform_username": advertiser.platform_username,
        "accounting_contact_email": advertiser.accounting_contact_email,
        "attribution_method": advertiser.attribution_method,
        "email_attribution_method": advertiser.email_attribution_method,
        "attribution_priority": advertiser.attribution_priority,
        "verification_token": advertiser.verification_token,
        "offer_id_macro": advertiser.offer_id_macro,
        "affiliate_id_macro": advertiser.affiliate_id_macro,
        "is_contact_address_enabled": advertiser.is_contact_address_enabled,
        "contact_address": advertiser.contact_address,
        "time_created": unix_or_zero(advertiser.time_created),
        "time_saved": unix_or_zero(advertiser.time_saved),
        "relationship": {"labels": labels_relationship(advertiser.labels)},
    }
