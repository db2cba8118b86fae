"""Scaleo wire shapes: POST /api/v2/network/tracking/conv-click-id (seed 001)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from clicktrail.kit.money import NonNegativeMoney

Amount = NonNegativeMoney
Text255 = Annotated[str, StringConstraints(max_length=255)]
Text = Annotated[str, StringConstraints(max_length=4096)]

#: Scaleo fields stored on conversion columns: wire name -> column.
COLUMN_FIELDS = {
    "adv_order_id": "order_id",
    "promo_code": "coupon_code",
    "email": "email",
    "adv_param1": "adv1",
    "adv_param2": "adv2",
    "adv_param3": "adv3",
    "adv_param4": "adv4",
    "adv_param5": "adv5",
    "private_notes": "internal_notes",
}
#: Scaleo fields kept in conversion.attributes (no column of their own).
ATTRIBUTE_FIELDS = (
    "aff_click_id",
    "adv_user_id",
    "adv_track_id",
    "track_id",
    "idfa",
    "gaid",
    *(f"aff_param{i}" for i in range(1, 6)),
    *(f"sub_id{i}" for i in range(1, 6)),
    "firstname",
    "lastname",
    "address",
    "city",
    "region",
    "country",
    "postcode",
    "phone",
    "gender",
    "birthday",
    "vertical",
    "ip",
    "public_notes",
    "click_referer_url",
    "conversion_referer_url",
    *(f"custom{i}" for i in range(1, 11)),
    "deliver_lead",
)
#: Service field names as Scaleo calls them, for error messages.
FIELD_NAMES = {
    "transaction_id": "click_id",
    "event_id": "goal_id",
    "entry_id": "goal_id",
    "alias": "goal_alias",
    "sale_amount": "amount",
    "created_at": "timestamp",
}


class ConvClickIdIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    click_id: Annotated[str, StringConstraints(min_length=1, max_length=64, strip_whitespace=True)]
    revenue: Amount | None = None
    payout: Amount | None = None
    amount: Amount | None = None
    conv_status: Literal["pending", "approved", "rejected", "hold"] | None = None
    #: The offer's payout/revenue entry id (``network_offer_payout_revenue_id``), positive as
    #: Scaleo's goal ids are; the default goal is the base entry's id. None: the default goal.
    goal_id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    goal_alias: Text255 | None = None
    aff_click_id: Text = ""
    adv_order_id: Text255 = ""
    adv_user_id: Text = ""
    adv_track_id: Text = ""
    track_id: Text = ""
    idfa: Text255 = ""
    gaid: Text255 = ""
    promo_code: Text255 = ""
    aff_param1: Text = ""
    aff_param2: Text = ""
    aff_param3: Text = ""
    aff_param4: Text = ""
    aff_param5: Text = ""
    sub_id1: Text = ""
    sub_id2: Text = ""
    sub_id3: Text = ""
    sub_id4: Text = ""
    sub_id5: Text = ""
    adv_param1: Text = ""
    adv_param2: Text = ""
    adv_param3: Text = ""
    adv_param4: Text = ""
    adv_param5: Text = ""
    email: Text255 = ""
    firstname: Text255 = ""
    lastname: Text255 = ""
    address: Text = ""
    city: Text255 = ""
    region: Text255 = ""
    country: Text255 = ""
    postcode: Text255 = ""
    phone: Text255 = ""
    gender: Text255 = ""
    birthday: Text255 = ""
    vertical: Text255 = ""
    ip: Annotated[str, StringConstraints(max_length=45, strip_whitespace=True)] = ""
    public_notes: Text = ""
    private_notes: Text = ""
    click_referer_url: Text = ""
    conversion_referer_url: Text = ""
    timestamp: Text255 | None = None
    click_timestamp: Text255 | None = None
    custom1: Text = ""
    custom2: Text = ""
    custom3: Text = ""
    custom4: Text = ""
    custom5: Text = ""
    custom6: Text = ""
    custom7: Text = ""
    custom8: Text = ""
    custom9: Text = ""
    custom10: Text = ""
    deliver_lead: Literal["yes", "no", ""] = "no"

    def attributes(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in ATTRIBUTE_FIELDS}
        return {name: value for name, value in values.items() if value not in ("", None)}
