"""Everflow's custom cap setting shapes (``/v1/networks/custom/caps``) and the offer cap
report (``/v1/networks/reporting/caps/offer``)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

from clicktrail.caps.fields import CapFieldsIn, caps_out
from clicktrail.kit.money import NonNegativeMoney
from clicktrail.kit.wire import Id32, OptionalName
from clicktrail.models import Affiliate, CustomCapSetting, Offer
from clicktrail.models.caps_mixin import CAP_FIELDS
from clicktrail.network.wire import unix_or_zero

#: At most this many settings in one bulk update, and this many fields.
MAX_BULK = 500
CapField = Literal[CAP_FIELDS]  # type: ignore[valid-type]


class CustomCapIn(CapFieldsIn):
    """POST and PUT body. PUT replaces the setting: omitted caps revert to 0 (no cap)."""

    network_offer_id: Id32
    network_affiliate_id: Id32
    name: OptionalName = ""
    is_soft_cap: bool = False


class BulkField(BaseModel):
    field_type: CapField
    #: A count cap must be a whole number (checked by the service); money as money.
    field_value: NonNegativeMoney


class BulkUpdateIn(BaseModel):
    """PATCH body: set these cap fields on these settings."""

    network_custom_cap_setting_ids: Annotated[list[Id32], Field(min_length=1, max_length=MAX_BULK)]
    fields: Annotated[list[BulkField], Field(min_length=1, max_length=len(CAP_FIELDS))]


class CapReportIn(BaseModel):
    """The report's body: ``timezone_id`` says where periods start (default: the network's);
    ``offer_ids`` narrows it to these offers (all offers with caps enabled when empty)."""

    timezone_id: Annotated[int, Field(ge=1, le=999)] | None = None
    offer_ids: Annotated[list[Id32], Field(max_length=1000)] = []


def setting_out(
    row: CustomCapSetting, offer: Offer | None = None, affiliate: Affiliate | None = None
) -> dict[str, Any]:
    relationship: dict[str, Any] = {}
    if affiliate is not None:
        relationship["affiliate"] = {
            "network_affiliate_id": affiliate.network_affiliate_id,
            "network_id": 1,
            "name": affiliate.name,
            "account_status": affiliate.account_status,
        }
    if offer is not None:
        relationship["offer"] = {
            "network_offer_id": offer.network_offer_id,
            "network_id": offer.network_id,
            "network_advertiser_id": offer.network_advertiser_id,
            "network_offer_group_id": offer.network_offer_group_id,
            "name": offer.name,
            "offer_status": offer.offer_status,
            "network_tracking_domain_id": offer.network_tracking_domain_id,
            "visibility": offer.visibility,
            "currency_id": offer.currency_id,
        }
    return {
        "network_custom_cap_setting_id": row.network_custom_cap_setting_id,
        "network_id": row.network_id,
        "network_affiliate_id": row.network_affiliate_id,
        "network_offer_id": row.network_offer_id,
        "name": row.name,
        **caps_out(row),
        "is_soft_cap": row.is_soft_cap,
        "time_created": unix_or_zero(row.time_created),
        "time_saved": unix_or_zero(row.time_saved),
        "relationship": relationship,
    }
