"""An affiliate's referral identity: Affonso's ``tracking_id`` and its affiliate group.

One row per affiliate that has either; ``affiliate`` itself is not changed.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class AffiliateCode(Base):
    __tablename__ = "affiliate_code"

    network_affiliate_id: Mapped[int] = mapped_column(
        ForeignKey("affiliate.network_affiliate_id", ondelete="CASCADE"), primary_key=True
    )
    #: The code in the affiliate's links (``?ref=partner123``); unique, never all digits.
    tracking_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    affiliate_group_id: Mapped[int | None] = mapped_column(
        ForeignKey("affiliate_group.affiliate_group_id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
