"""Impressions: one view of an offer's creative by an affiliate's traffic (ADR 0102).

Recorded by the impression pixel and ``/sdk/impression`` on the tracking host, keyed by
``impression_id`` (32 hex, the same shape as a click's transaction id). No uniqueness is
settled: every impression counts. Only impressions of a known, active offer and affiliate
are stored, so the ids are never null. ``payout``/``revenue`` are what this one impression
earns (a CPM rate divided by 1,000); the rollups sum them.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class Impression(Base):
    __tablename__ = "impression"
    __table_args__ = (
        # The view-through lookup: the latest impression of an offer by an affiliate.
        Index(
            "ix_impression_offer_affiliate",
            "network_offer_id",
            "network_affiliate_id",
            "created_at",
        ),
    )

    impression_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime]
    network_id: Mapped[int] = mapped_column(default=1)
    network_offer_id: Mapped[int]
    network_affiliate_id: Mapped[int]
    network_advertiser_id: Mapped[int] = mapped_column(default=0)
    creative_id: Mapped[int | None]
    source_id: Mapped[str] = mapped_column(Text, default="")
    sub1: Mapped[str] = mapped_column(Text, default="")
    sub2: Mapped[str] = mapped_column(Text, default="")
    sub3: Mapped[str] = mapped_column(Text, default="")
    sub4: Mapped[str] = mapped_column(Text, default="")
    sub5: Mapped[str] = mapped_column(Text, default="")
    user_ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(Text, default="")
    referer: Mapped[str] = mapped_column(Text, default="")
    country_code: Mapped[str] = mapped_column(String(2), default="")
    region_name: Mapped[str] = mapped_column(String(128), default="")
    city_name: Mapped[str] = mapped_column(String(128), default="")
    device_type: Mapped[str] = mapped_column(String(16), default="")
    platform_name: Mapped[str] = mapped_column(String(64), default="")
    browser_name: Mapped[str] = mapped_column(String(64), default="")
    payout_type: Mapped[str] = mapped_column(String(16), default="")
    payout: Mapped[Decimal] = mapped_column(default=Decimal(0))
    revenue_type: Mapped[str] = mapped_column(String(16), default="")
    revenue: Mapped[Decimal] = mapped_column(default=Decimal(0))
    currency_id: Mapped[str] = mapped_column(String(3), default="")
