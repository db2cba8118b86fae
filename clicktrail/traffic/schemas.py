"""Everflow's traffic control shapes (``/v1/networks/trafficcontrols``) and clicktrail's
conversion throttles (``/v1/networks/conversionthrottles``, named in the same style).

Request bodies refuse unknown fields (a misspelt field would otherwise be a control that
silently blocks nothing). Responses carry the lists under ``relationship``, as Everflow does;
an empty id list is ``null`` there.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from clicktrail.kit.money import _to_number
from clicktrail.kit.paging import Paging
from clicktrail.kit.wire import Id32, Int32, Name, Percent
from clicktrail.models import ConversionThrottle, TrafficControl
from clicktrail.network.wire import unix_or_zero

Status = Literal["active", "inactive"]
ControlType = Literal["blacklist", "whitelist"]
TargetingAction = Literal["block", "fail_traffic"]
ComparisonMethod = Literal[
    "exact_match",
    "contains",
    "begins_with",
    "ends_with",
    "does_not_contain",
    "does_not_match",
    "is_empty",
]
#: The click variables a control compares (Everflow's list).
Variable = Literal[
    "sub1",
    "sub2",
    "sub3",
    "sub4",
    "sub5",
    "source_id",
    "referrer",
    "isp",
    "ip",
    "user_agent",
    "country",
    "tracking_domain",
]
#: Everflow's limits: 3000 values for exact_match, 100 for the other methods.
MAX_EXACT_VALUES = 3000
MAX_OTHER_VALUES = 100
MAX_IDS = 1000


def _clean(value: str) -> str:
    if "\x00" in value or "\n" in value or "\r" in value:
        raise ValueError("must be one line of text")
    return value


ControlValue = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=1024),
    AfterValidator(_clean),
]
DateText = Annotated[str, StringConstraints(max_length=10)]


class TrafficControlIn(BaseModel):
    """POST and PUT body (PUT replaces the whole control)."""

    model_config = ConfigDict(extra="forbid")

    #: Accepted on PUT (Everflow sends it); must name the control in the path.
    network_traffic_control_id: Id32 | None = None
    name: Name
    status: Status = "active"
    control_type: ControlType
    targeting_action: TargetingAction = "block"
    comparison_method: ComparisonMethod
    is_apply_all_affiliates: bool = True
    is_apply_all_offers: bool = True
    variables: Annotated[list[Variable], Field(min_length=1, max_length=12)]
    values: Annotated[list[ControlValue], Field(max_length=MAX_EXACT_VALUES)] = []
    network_offer_ids: Annotated[list[Id32], Field(max_length=MAX_IDS)] = []
    network_affiliate_ids: Annotated[list[Id32], Field(max_length=MAX_IDS)] = []
    network_advertiser_ids: Annotated[list[Id32], Field(max_length=MAX_IDS)] = []
    #: "YYYY-MM-DD" (UTC) or empty.
    date_valid_from: DateText = ""
    date_valid_to: DateText = ""


def _ids(values: list[int] | None) -> list[int] | None:
    return list(values) if values else None


def traffic_control_out(control: TrafficControl) -> dict[str, Any]:
    return {
        "network_traffic_control_id": control.network_traffic_control_id,
        "network_id": control.network_id,
        "name": control.name,
        "status": control.status,
        "is_apply_all_affiliates": control.is_apply_all_affiliates,
        "is_apply_all_offers": control.is_apply_all_offers,
        "control_type": control.control_type,
        "targeting_action": control.targeting_action,
        "date_valid_from": control.date_valid_from,
        "date_valid_to": control.date_valid_to,
        "comparison_method": control.comparison_method,
        "variables": list(control.variables or []),
        "time_created": unix_or_zero(control.time_created),
        "time_saved": unix_or_zero(control.time_saved),
        "relationship": {
            "network_offer_ids": _ids(control.network_offer_ids),
            "network_affiliate_ids": _ids(control.network_affiliate_ids),
            "network_advertiser_ids": _ids(control.network_advertiser_ids),
            "values": list(control.values or []),
        },
    }


class ConversionThrottleIn(BaseModel):
    """POST and PUT body of a conversion throttle."""

    model_config = ConfigDict(extra="forbid")

    network_conversion_throttle_id: Id32 | None = None
    network_offer_id: Id32
    #: 0: every affiliate of the offer that has no throttle of its own.
    network_affiliate_id: Int32 = 0
    throttle_percentage: Annotated[Percent, Field(le=100)]
    status: Status = "active"


def conversion_throttle_out(throttle: ConversionThrottle) -> dict[str, Any]:
    return {
        "network_conversion_throttle_id": throttle.network_conversion_throttle_id,
        "network_id": throttle.network_id,
        "network_offer_id": throttle.network_offer_id,
        "network_affiliate_id": throttle.network_affiliate_id,
        "throttle_percentage": _to_number(Decimal(throttle.throttle_percentage)),
        "status": throttle.status,
        "time_created": unix_or_zero(throttle.time_created),
        "time_saved": unix_or_zero(throttle.time_saved),
    }


# Response models, for the OpenAPI document (clicktrail/openapi/operations.py).


class TrafficControlRelationship(BaseModel):
    network_offer_ids: list[int] | None
    network_affiliate_ids: list[int] | None
    network_advertiser_ids: list[int] | None
    values: list[str]


class TrafficControlOut(BaseModel):
    network_traffic_control_id: int
    network_id: int
    name: str
    status: str
    is_apply_all_affiliates: bool
    is_apply_all_offers: bool
    control_type: str
    targeting_action: str
    date_valid_from: str
    date_valid_to: str
    comparison_method: str
    variables: list[str]
    time_created: int
    time_saved: int
    relationship: TrafficControlRelationship


class TrafficControlList(BaseModel):
    traffic_controls: list[TrafficControlOut]
    paging: Paging


class ConversionThrottleOut(BaseModel):
    network_conversion_throttle_id: int
    network_id: int
    network_offer_id: int
    network_affiliate_id: int
    throttle_percentage: float
    status: str
    time_created: int
    time_saved: int


class ConversionThrottleList(BaseModel):
    conversion_throttles: list[ConversionThrottleOut]
    paging: Paging
