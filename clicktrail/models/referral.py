"""Referrals: a referred user of an affiliate on an offer (Affonso's "program").

A referral made from a click takes the click's ``transaction_id`` as its id, so either id
works as ``referral_id``. ``customer_id`` and ``external_user_id`` link it to the
network's own customer records; each is unique across referrals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class Referral(Base):
    __tablename__ = "referral"
    __table_args__ = (
        Index("ix_referral_created", "created_at", "id"),
        Index("ix_referral_affiliate_created", "network_affiliate_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    network_offer_id: Mapped[int] = mapped_column(ForeignKey("offer.network_offer_id"))
    network_affiliate_id: Mapped[int] = mapped_column(ForeignKey("affiliate.network_affiliate_id"))
    #: The click it was made from (no foreign key: raw clicks are purged, referrals stay).
    transaction_id: Mapped[str | None] = mapped_column(String(32))
    #: lead | trialing | customer | active | canceled | rejected
    status: Mapped[str] = mapped_column(String(16), default="lead")
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str | None] = mapped_column(String(255))
    customer_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    external_user_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    subscription_id: Mapped[str | None] = mapped_column(String(255))
    attributes: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSONColumn)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    converted_at: Mapped[datetime | None]
