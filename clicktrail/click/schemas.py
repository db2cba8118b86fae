"""Wire shapes of the click endpoints (Everflow field names, seed 003)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from clicktrail.models import Click, Offer


class ClickFilter(BaseModel):
    model_config = ConfigDict(extra="ignore")

    resource_type: str = Field(min_length=1, max_length=64)
    filter_id_value: str = Field(max_length=1024)

    @field_validator("filter_id_value", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # Everflow clients send ids both as "883" and as 883.
        if isinstance(value, bool):
            return value
        if isinstance(value, int | float):
            return str(int(value)) if float(value).is_integer() else str(value)
        return value


class ClickQuery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    filters: list[ClickFilter] = Field(default_factory=list, max_length=500)
    exclusions: list[ClickFilter] = Field(default_factory=list, max_length=500)


class ClickStreamRequest(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    from_: str = Field(alias="from", max_length=32)
    to: str = Field(max_length=32)
    timezone_id: int
    query: ClickQuery | None = None


class TrackingLinkRequest(BaseModel):
    """POST /v1/networks/tracking/offers/clicks."""

    model_config = ConfigDict(extra="ignore")

    network_offer_id: int = Field(gt=0, le=2**31 - 1)
    network_affiliate_id: int = Field(gt=0, le=2**31 - 1)
    network_tracking_domain_id: int = Field(0, ge=0)
    network_offer_url_id: int = Field(0, ge=0, le=2**31 - 1)
    creative_id: int = Field(0, ge=0, le=2**31 - 1)
    network_traffic_source_id: int = Field(0, ge=0)
    source_id: str = Field("", max_length=255)
    sub1: str = Field("", max_length=255)
    sub2: str = Field("", max_length=255)
    sub3: str = Field("", max_length=255)
    sub4: str = Field("", max_length=255)
    sub5: str = Field("", max_length=255)


class TrackingLinkOut(BaseModel):
    url: str


def _number(value: Decimal | None) -> int | float:
    if value is None:
        return 0
    return int(value) if value == value.to_integral_value() else float(value)


_DEVICE_IDS = (
    "idfa",
    "idfa_md5",
    "idfa_sha1",
    "google_ad_id",
    "google_ad_id_md5",
    "google_ad_id_sha1",
    "android_id",
    "android_id_md5",
    "android_id_sha1",
)


def offer_relationship(offer: Offer | None, offer_id: int | None = None) -> dict[str, Any]:
    """The click's offer; an unknown (or deleted) offer keeps the same shape, with its id
    (0 when the link named none) and empty values, so invalid clicks parse like valid ones."""
    if offer is None:
        return {
            "network_offer_id": offer_id or 0,
            "network_id": 1,
            "name": "",
            "offer_status": "",
            "network_tracking_domain_id": 0,
        }
    return {
        "network_offer_id": offer.network_offer_id,
        "network_id": offer.network_id,
        "name": offer.name,
        "offer_status": offer.offer_status,
        "network_tracking_domain_id": offer.network_tracking_domain_id,
    }


def click_to_wire(click: Click, offer: Offer | None, *, network_view: bool) -> dict[str, Any]:
    """One click as seed 003 shows it. In the affiliate view, revenue is what the affiliate
    earns (its payout); the network view adds the network-only fields."""
    if network_view:
        revenue_type, revenue = click.revenue_type, click.revenue
    else:
        revenue_type, revenue = click.payout_type, click.payout
    wire: dict[str, Any] = {
        "transaction_id": click.transaction_id,
        "is_unique": 1 if click.is_unique else 0,
        "unix_timestamp": int(click.created_at.timestamp()),
        "tracking_url": click.tracking_url,
        "source_id": click.source_id,
        "sub1": click.sub1,
        "sub2": click.sub2,
        "sub3": click.sub3,
        "sub4": click.sub4,
        "sub5": click.sub5,
        "revenue_type": revenue_type,
        "revenue": _number(revenue),
        "referer": click.referer,
        "error_code": click.error_code,
        "user_ip": click.user_ip,
        "error_message": click.error_message or "N/A",
    }
    for name in _DEVICE_IDS:
        wire[name] = getattr(click, name)
    wire["relationship"] = {
        "offer": offer_relationship(offer, click.network_offer_id),
        "geolocation": {
            "country_code": click.country_code,
            "country_name": click.country_name,
            "region_code": click.region_code,
            "region_name": click.region_name,
            "city_name": click.city_name,
            "dma": click.dma,
            "dma_name": click.dma_name,
            "timezone": click.timezone,
            "carrier_name": click.carrier_name,
            "carrier_code": 0,
            "organization": click.organization,
            "isp_name": click.isp_name,
            "is_mobile": bool(click.carrier_name),
            "is_proxy": click.is_proxy,
            "postal_code": click.postal_code,
        },
        "device_information": {
            "is_mobile": click.is_mobile,
            "platform_name": click.platform_name,
            "os_version": click.os_version,
            "brand": click.brand,
            "model": click.model,
            "is_tablet": click.is_tablet,
            "browser_name": click.browser_name,
            "browser_version": click.browser_version,
            "device_type": click.device_type,
            "language": click.language,
            "http_accept_language": click.http_accept_language,
            "is_robot": click.is_robot,
            "is_filter": False,
        },
        "query_parameters": click.query_parameters or None,
    }
    wire["currency_id"] = click.currency_id
    wire["coupon_code"] = click.coupon_code
    if network_view:
        wire["network_affiliate_id"] = click.network_affiliate_id or 0
        wire["network_advertiser_id"] = click.network_advertiser_id or 0
        wire["payout_type"] = click.payout_type
        wire["payout"] = _number(click.payout)
        wire["user_agent"] = click.user_agent
        wire["has_conversion"] = click.has_conversion
    return wire
