"""Custom caps: one affiliate's own caps on one offer (Everflow's custom cap settings).

At most one setting per offer and affiliate. ``is_soft_cap`` settings are only reported:
reaching them refuses nothing. They apply while the offer has ``is_caps_enabled``, alongside
the offer's own caps (either reached stops the traffic).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base
from clicktrail.models.caps_mixin import CapColumns


class CustomCapSetting(CapColumns, Base):
    __tablename__ = "custom_cap_setting"
    __table_args__ = (UniqueConstraint("network_offer_id", "network_affiliate_id"),)
    __mapper_args__ = {"eager_defaults": True}

    network_custom_cap_setting_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    network_offer_id: Mapped[int] = mapped_column(ForeignKey("offer.network_offer_id"), index=True)
    network_affiliate_id: Mapped[int] = mapped_column(
        ForeignKey("affiliate.network_affiliate_id"), index=True
    )
    name: Mapped[str] = mapped_column(String(255), default="")
    is_soft_cap: Mapped[bool] = mapped_column(default=False)
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
