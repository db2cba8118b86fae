"""Custom payout/revenue settings: an offer's payout or revenue for some affiliates.

Field names are Everflow's (``/v1/networks/custom/payoutrevenue``). A setting overrides one
entry of one offer: ``network_offer_payout_revenue_id`` 0 is the base conversion, any other
value an event's entry. It applies to every affiliate (``is_apply_all_affiliates``) or to the
ones in ``network_affiliate_ids``, between ``date_valid_from`` and ``date_valid_to`` (either
may be open), and overrides the payout, the revenue or both. Which setting wins is decided
in ``clicktrail/offer/custom_rules.py`` (ADR 0094).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn, PercentColumn


class CustomPayoutRevenue(Base):
    __tablename__ = "custom_payout_revenue"

    network_custom_payout_revenue_setting_id: Mapped[int] = mapped_column(
        primary_key=True, autoincrement=True
    )
    network_offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.network_offer_id", ondelete="CASCADE"), index=True
    )
    #: 0 = the base conversion; otherwise the offer's payout_revenue entry (an event).
    network_offer_payout_revenue_id: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(255), default="")
    #: active | inactive; only active settings price anything.
    custom_setting_status: Mapped[str] = mapped_column(String(16), default="active")
    is_apply_all_affiliates: Mapped[bool] = mapped_column(default=False)
    #: The affiliates a setting that is not for all affiliates applies to (a JSON list).
    network_affiliate_ids: Mapped[list[Any]] = mapped_column(JSONColumn, default=list)
    is_custom_payout_enabled: Mapped[bool] = mapped_column(default=False)
    #: blank | cpc | cpa | cpm | cps | cpa_cps | prv
    payout_type: Mapped[str] = mapped_column(String(16), default="blank")
    payout_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    payout_percentage: Mapped[Decimal] = mapped_column(PercentColumn, default=Decimal(0))
    is_custom_revenue_enabled: Mapped[bool] = mapped_column(default=False)
    #: blank | rpc | rpa | rpm | rps | rpa_rps
    revenue_type: Mapped[str] = mapped_column(String(16), default="blank")
    revenue_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    revenue_percentage: Mapped[Decimal] = mapped_column(PercentColumn, default=Decimal(0))
    description: Mapped[str] = mapped_column(Text, default="")
    public_description: Mapped[str] = mapped_column(Text, default="")
    is_postback_disabled: Mapped[bool] = mapped_column(default=False)
    #: Validity, both ends inclusive, UTC; None = open.
    date_valid_from: Mapped[datetime | None] = mapped_column(default=None)
    date_valid_to: Mapped[datetime | None] = mapped_column(default=None)
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
