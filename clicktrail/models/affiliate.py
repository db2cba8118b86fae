"""Affiliates (Everflow: partners): they send traffic and earn payout."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class Affiliate(Base):
    __tablename__ = "affiliate"

    network_affiliate_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(255))
    account_status: Mapped[str] = mapped_column(String(16), default="active")
    network_employee_id: Mapped[int] = mapped_column(default=0)
    network_traffic_source_id: Mapped[int] = mapped_column(default=0)
    default_currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    referrer_id: Mapped[int] = mapped_column(default=0)
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
