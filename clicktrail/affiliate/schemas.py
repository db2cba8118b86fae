"""Everflow's affiliate (partner) shapes (``/v1/networks/affiliates``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

from clicktrail.kit.wire import Int32, LongText, Name
from clicktrail.models import Affiliate
from clicktrail.network.wire import (
    ContactAddress,
    CurrencyId,
    Labels,
    labels_relationship,
    unix_or_zero,
)

AccountStatus = Literal["active", "inactive", "pending", "suspended"]


class AffiliateIn(BaseModel):
    """POST and PUT body. PUT replaces the whole affiliate: omitted fields take defaults.

    Everflow's ``users`` and ``billing`` objects are accepted and ignored (clicktrail has no
    affiliate portal users or billing).
    """

    name: Name
    account_status: AccountStatus = "active"
    network_employee_id: Int32 = 0
    network_traffic_source_id: Int32 = 0
    network_affiliate_tier_id: Int32 = 0
    default_currency_id: CurrencyId = "USD"
    internal_notes: LongText = ""
    referrer_id: Int32 = 0
    enable_media_cost_tracking_links: bool = False
    is_contact_address_enabled: bool = False
    contact_address: ContactAddress | None = None
    labels: Labels = []


def affiliate_out(affiliate: Affiliate) -> dict[str, Any]:
    """One affiliate as Everflow renders it."""
    return {
        "network_affiliate_id": affiliate.network_affiliate_id,
        "network_id": affiliate.network_id,
        "name": affiliate.name,
        "account_status": affiliate.account_status,
        "network_employee_id": affiliate.network_employee_id,
        "network_traffic_source_id": affiliate.network_traffic_source_id,
        "network_affiliate_tier_id": affiliate.network_affiliate_tier_id,
        "internal_notes": affiliate.internal_notes,
        "default_currency_id": affiliate.default_currency_id,
        "referrer_id": affiliate.referrer_id,
        "enable_media_cost_tracking_links": affiliate.enable_media_cost_tracking_links,
        "is_contact_address_enabled": affiliate.is_contact_address_enabled,
        "contact_address": affiliate.contact_address,
        "has_notifications": False,
        "time_created": unix_or_zero(affiliate.time_created),
        "time_saved": unix_or_zero(affiliate.time_saved),
        "relationship": {"labels": labels_relationship(affiliate.labels)},
    }
