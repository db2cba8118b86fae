"""Affiliates (Everflow: partners): they send traffic and earn payout."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class Affiliate(Base):
    __tablename__ = "affiliate"

    network_affiliate_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(255))
    #: active | inactive | pending | suspended; only active affiliates track.
    account_status: Mapped[str] = mapped_column(String(16), default="active")
    network_employee_id: Mapped[int] = mapped_column(default=0)
    network_traffic_source_id: Mapped[int] = mapped_column(default=0)
    network_affiliate_tier_id: Mapped[int] = mapped_column(default=0)
    default_currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    #: The affiliate that referred this one; 0 = none.
    referrer_id: Mapped[int] = mapped_column(default=0)
    enable_media_cost_tracking_links: Mapped[bool] = mapped_column(default=False)
    is_contact_address_enabled: Mapped[bool] = mapped_column(default=False)
    contact_address: Mapped[dict[str, Any] | None] = mapped_column(JSONColumn, default=None)
    labels: Mapped[list[str] | None] = mapped_column(JSONColumn, default=None)
    time_created: Mapped[datetime]
    #: Bumped on every change (caches poll it).
    time_saved: Mapped[datetime]
