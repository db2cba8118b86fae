"""Everflow's conversion object, as the conversion report and GET by id return it."""

from __future__ import annotations

from typing import Any

from clicktrail.conversion.report import ReportPage
from clicktrail.kit.money import _to_number
from clicktrail.kit.timeutil import unix
from clicktrail.models import Click, Conversion, ConversionChange

#: Fields an affiliate never sees: the advertiser's side of the deal and its data.
AFFILIATE_HIDDEN = frozenset(
    {
        "revenue",
        "revenue_type",
        "notes",
        "email",
        "adv1",
        "adv2",
        "adv3",
        "adv4",
        "adv5",
        "error_code",
        "error_message",
    }
)


def _click_fields(click: Click | None) -> dict[str, Any]:
    if click is None:
        return {
            "session_user_ip": "",
            "dma": 0,
            "carrier": "",
            "os_version": "",
            "device_model": "",
            "brand": "",
            "language": "",
            "http_user_agent": "",
            "url": "",
            "isp": "",
            "referer": "",
            "app_id": "",
            "idfa": "",
            "idfa_md5": "",
            "idfa_sha1": "",
            "google_ad_id": "",
            "google_ad_id_md5": "",
            "google_ad_id_sha1": "",
            "android_id": "",
            "android_id_md5": "",
            "android_id_sha1": "",
        }
    return {
        "session_user_ip": click.user_ip,
        "dma": click.dma,
        "carrier": click.carrier_name,
        "os_version": click.os_version,
        "device_model": click.model,
        "brand": click.brand,
        "language": click.language,
        "http_user_agent": click.user_agent,
        "url": click.tracking_url,
        "isp": click.isp_name,
        "referer": click.referer,
        "app_id": "",
        "idfa": click.idfa,
        "idfa_md5": click.idfa_md5,
        "idfa_sha1": click.idfa_sha1,
        "google_ad_id": click.google_ad_id,
        "google_ad_id_md5": click.google_ad_id_md5,
        "google_ad_id_sha1": click.google_ad_id_sha1,
        "android_id": click.android_id,
        "android_id_md5": click.android_id_md5,
        "android_id_sha1": click.android_id_sha1,
    }


def conversion_out(c: Conversion, page: ReportPage, *, affiliate: bool = False) -> dict[str, Any]:
    click = page.clicks.get(c.transaction_id) if c.transaction_id else None
    event = page.events.get(c.network_offer_payout_revenue_id, "") if c.is_event else ""
    row: dict[str, Any] = {
        "conversion_id": c.conversion_id,
        "conversion_unix_timestamp": unix(c.created_at),
        "transaction_id": c.transaction_id or "",
        "click_unix_timestamp": unix(c.click_at) if c.click_at is not None else 0,
        "status": c.status,
        "payout_type": c.payout_type,
        "payout": _to_number(c.payout),
        "revenue_type": c.revenue_type,
        "revenue": _to_number(c.revenue),
        "sale_amount": _to_number(c.sale_amount),
        "currency_id": c.currency_id,
        "is_event": c.is_event,
        "event": event,
        "network_offer_payout_revenue_id": c.network_offer_payout_revenue_id,
        "notes": c.internal_notes,
        "error_code": c.error_code,
        "error_message": c.error_message,
        "is_view_through": bool(c.is_view_through),
        "is_scrub": False,
        "sub1": c.sub1,
        "sub2": c.sub2,
        "sub3": c.sub3,
        "sub4": c.sub4,
        "sub5": c.sub5,
        "source_id": c.source_id,
        "adv1": c.adv1,
        "adv2": c.adv2,
        "adv3": c.adv3,
        "adv4": c.adv4,
        "adv5": c.adv5,
        "order_id": c.order_id,
        "coupon_code": c.coupon_code,
        "email": c.email,
        "conversion_user_ip": c.conversion_user_ip,
        "country": c.country_code,
        "region": c.region_name,
        "city": c.city_name,
        "platform": c.platform_name,
        "device_type": c.device_type,
        "browser": c.browser_name,
        "previous_network_offer_id": 0,
        **_click_fields(click),
    }
    relationship: dict[str, Any] = {
        "offer": {
            "network_offer_id": c.network_offer_id,
            "network_id": c.network_id,
            "name": page.names.offers.get(c.network_offer_id, ""),
        },
        "events_count": 0,
    }
    if affiliate:
        for name in AFFILIATE_HIDDEN:
            row.pop(name, None)
    else:
        relationship["affiliate"] = {
            "network_affiliate_id": c.network_affiliate_id,
            "network_id": c.network_id,
            "name": page.names.affiliates.get(c.network_affiliate_id, ""),
        }
        relationship["advertiser"] = {
            "network_advertiser_id": c.network_advertiser_id,
            "network_id": c.network_id,
            "name": page.names.advertisers.get(c.network_advertiser_id, ""),
        }
        relationship["attributes"] = c.attributes or {}
    row["relationship"] = relationship
    return row


def change_out(change: ConversionChange) -> dict[str, Any]:
    """One entry of a conversion's history (``history`` on GET by id)."""
    return {
        "field": change.field,
        "old_value": change.old_value,
        "new_value": change.new_value,
        "notes": change.note,
        "actor_type": change.actor_type,
        "actor_id": change.actor_id,
        "actor_label": change.actor_label,
        "unix_timestamp": unix(change.changed_at),
    }
