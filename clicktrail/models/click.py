"""Clicks: one visit through a tracking link, keyed by ``transaction_id`` (32 hex).

The columns follow seed 003's row (geolocation, device_information, relationship). Raw
clicks are purged after the retention period unless ``has_conversion`` is set.

On PostgreSQL the table is partitioned by UTC day of ``created_at`` (migration 0030, ADR
0106): its primary key there is ``(transaction_id, created_at)`` and a partial index
``ix_click_converted`` covers the converted clicks. The mapping below keeps
``transaction_id`` as the identity, which it is: the id embeds the click's millisecond.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class Click(Base):
    __tablename__ = "click"
    __table_args__ = (
        Index("ix_click_created_at", "created_at"),
        Index("ix_click_affiliate_created", "network_affiliate_id", "created_at"),
        Index("ix_click_offer_created", "network_offer_id", "created_at"),
        Index("ix_click_visitor", "visitor_hash", "created_at"),
    )

    transaction_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime]
    network_id: Mapped[int] = mapped_column(default=1)
    # Ids as resolved; null when the link did not resolve (an invalid click).
    network_offer_id: Mapped[int | None]
    network_affiliate_id: Mapped[int | None]
    network_advertiser_id: Mapped[int | None]
    creative_id: Mapped[int | None]
    #: The offer URL (Everflow ``uid``) and smart link (campaign) the click came through; 0 = none.
    network_offer_url_id: Mapped[int] = mapped_column(default=0)
    network_campaign_id: Mapped[int] = mapped_column(default=0)
    is_unique: Mapped[bool] = mapped_column(default=True)
    visitor_hash: Mapped[str] = mapped_column(String(32), default="")
    has_conversion: Mapped[bool] = mapped_column(default=False)
    error_code: Mapped[int] = mapped_column(default=0)
    error_message: Mapped[str] = mapped_column(String(255), default="")
    tracking_url: Mapped[str] = mapped_column(Text, default="")
    referer: Mapped[str] = mapped_column(Text, default="")
    user_ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(Text, default="")
    source_id: Mapped[str] = mapped_column(Text, default="")
    sub1: Mapped[str] = mapped_column(Text, default="")
    sub2: Mapped[str] = mapped_column(Text, default="")
    sub3: Mapped[str] = mapped_column(Text, default="")
    sub4: Mapped[str] = mapped_column(Text, default="")
    sub5: Mapped[str] = mapped_column(Text, default="")
    coupon_code: Mapped[str] = mapped_column(Text, default="")
    fbclid: Mapped[str] = mapped_column(Text, default="")
    gclid: Mapped[str] = mapped_column(Text, default="")
    ttclid: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[str] = mapped_column(Text, default="")
    idfa: Mapped[str] = mapped_column(String(64), default="")
    idfa_md5: Mapped[str] = mapped_column(String(64), default="")
    idfa_sha1: Mapped[str] = mapped_column(String(64), default="")
    google_ad_id: Mapped[str] = mapped_column(String(64), default="")
    google_ad_id_md5: Mapped[str] = mapped_column(String(64), default="")
    google_ad_id_sha1: Mapped[str] = mapped_column(String(64), default="")
    android_id: Mapped[str] = mapped_column(String(64), default="")
    android_id_md5: Mapped[str] = mapped_column(String(64), default="")
    android_id_sha1: Mapped[str] = mapped_column(String(64), default="")
    # Revenue/payout known at click time (CPC offers); currency of the offer.
    revenue_type: Mapped[str] = mapped_column(String(16), default="")
    revenue: Mapped[Decimal] = mapped_column(default=Decimal(0))
    payout_type: Mapped[str] = mapped_column(String(16), default="")
    payout: Mapped[Decimal] = mapped_column(default=Decimal(0))
    currency_id: Mapped[str] = mapped_column(String(3), default="")
    query_parameters: Mapped[dict[str, Any] | None] = mapped_column(JSONColumn)
    # Geolocation.
    country_code: Mapped[str] = mapped_column(String(2), default="")
    country_name: Mapped[str] = mapped_column(String(64), default="")
    region_code: Mapped[str] = mapped_column(String(16), default="")
    region_name: Mapped[str] = mapped_column(String(128), default="")
    city_name: Mapped[str] = mapped_column(String(128), default="")
    postal_code: Mapped[str] = mapped_column(String(32), default="")
    dma: Mapped[int] = mapped_column(default=0)
    dma_name: Mapped[str] = mapped_column(String(128), default="")
    timezone: Mapped[str] = mapped_column(String(64), default="")
    carrier_name: Mapped[str] = mapped_column(String(128), default="")
    isp_name: Mapped[str] = mapped_column(String(255), default="")
    organization: Mapped[str] = mapped_column(String(255), default="")
    is_proxy: Mapped[bool] = mapped_column(default=False)
    # Device information.
    is_mobile: Mapped[bool] = mapped_column(default=False)
    is_tablet: Mapped[bool] = mapped_column(default=False)
    platform_name: Mapped[str] = mapped_column(String(64), default="")
    os_version: Mapped[str] = mapped_column(String(32), default="")
    brand: Mapped[str] = mapped_column(String(64), default="")
    model: Mapped[str] = mapped_column(String(64), default="")
    browser_name: Mapped[str] = mapped_column(String(64), default="")
    browser_version: Mapped[str] = mapped_column(String(32), default="")
    device_type: Mapped[str] = mapped_column(String(16), default="")
    language: Mapped[str] = mapped_column(String(16), default="")
    http_accept_language: Mapped[str] = mapped_column(String(255), default="")
    is_robot: Mapped[bool] = mapped_column(default=False)
    #: Connection type (e.g. "cable/dsl", "cellular"); empty unless a source provides it.
    connection_type: Mapped[str] = mapped_column(String(32), default="")


def minted_days(transaction_ids: Iterable[str]) -> tuple[datetime, datetime] | None:
    """From the start of the first UTC day to the end of the last one that these ids were
    minted on (tracking/txid.py: the first 12 hex digits are the click's epoch
    millisecond, the moment ``created_at`` holds); None when an id is not of that form.

    A bound on ``created_at`` that lets PostgreSQL look in those days' partitions only. Ids
    from elsewhere (imports, tests) may not carry their time: a caller looks up the ids it
    did not find there again without the bound.
    """
    first: datetime | None = None
    last: datetime | None = None
    for transaction_id in transaction_ids:
        try:
            moment = datetime.fromtimestamp(int(transaction_id[:12], 16) / 1000, UTC)
        except (ValueError, OverflowError, OSError):
            return None
        day = moment.replace(hour=0, minute=0, second=0, microsecond=0)
        first = day if first is None or day < first else first
        last = day if last is None or day > last else last
    if first is None or last is None:
        return None
    return first, last + timedelta(days=1)
