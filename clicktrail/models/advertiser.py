"""Advertisers: they own offers and pay revenue. Column names are Everflow's fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class Advertiser(Base):
    __tablename__ = "advertiser"

    network_advertiser_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(255))
    #: active | inactive | suspended | pending
    account_status: Mapped[str] = mapped_column(String(16), default="active")
    default_currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    reporting_timezone_id: Mapped[int] = mapped_column(default=67)
    network_employee_id: Mapped[int] = mapped_column(default=0)
    sales_manager_id: Mapped[int] = mapped_column(default=0)
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    platform_name: Mapped[str] = mapped_column(String(255), default="")
    platform_url: Mapped[str] = mapped_column(Text, default="")
    platform_username: Mapped[str] = mapped_column(String(255), default="")
    accounting_contact_email: Mapped[str] = mapped_column(String(255), default="")
    #: last_touch | first_touch
    attribution_method: Mapped[str] = mapped_column(String(32), default="last_touch")
    #: last_affiliate_attribution | first_affiliate_attribution
    email_attribution_method: Mapped[str] = mapped_column(
        String(32), default="last_affiliate_attribution"
    )
    #: click | coupon_code
    attribution_priority: Mapped[str] = mapped_column(String(16), default="click")
    #: When set, advertiser postbacks for its offers must carry it.
    verification_token: Mapped[str] = mapped_column(String(255), default="")
    offer_id_macro: Mapped[str] = mapped_column(String(64), default="oid")
    affiliate_id_macro: Mapped[str] = mapped_column(String(64), default="affid")
    is_contact_address_enabled: Mapped[bool] = mapped_column(default=False)
    contact_address: Mapped[dict[str, Any] | None] = mapped_column(JSONColumn, default=None)
    labels: Mapped[list[str] | None] = mapped_column(JSONColumn, default=None)
    time_created: Mapped[datetime]
    #: Bumped on every change (caches poll it).
    time_saved: Mapped[datetime]
