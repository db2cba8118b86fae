"""Advertisers: they own offers and pay revenue."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class Advertiser(Base):
    __tablename__ = "advertiser"

    network_advertiser_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(255))
    account_status: Mapped[str] = mapped_column(String(16), default="active")
    default_currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    network_employee_id: Mapped[int] = mapped_column(default=0)
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(Text, default="")
    sales_manager_id: Mapped[int] = mapped_column(default=0)
    verification_token: Mapped[str] = mapped_column(String(255), default="")
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
