"""An affiliate's application to run an offer that requires approval (Everflow's offer
applications).

One row per offer and affiliate: applying again answers the same application. Approving
one makes the offer visible to the affiliate and rejecting it rejected
(``offer_visibility``), in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base

PENDING = "pending"
APPROVED = "approved"
REJECTED = "rejected"
APPLICATION_STATUSES = (PENDING, APPROVED, REJECTED)


class OfferApplication(Base):
    __tablename__ = "offer_application"
    __table_args__ = (UniqueConstraint("network_offer_id", "network_affiliate_id"),)

    network_application_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.network_offer_id", ondelete="CASCADE")
    )
    network_affiliate_id: Mapped[int] = mapped_column(
        ForeignKey("affiliate.network_affiliate_id", ondelete="CASCADE"), index=True
    )
    #: pending | approved | rejected
    application_status: Mapped[str] = mapped_column(String(16), index=True)
    #: What the affiliate wrote when applying (optional).
    message: Mapped[str] = mapped_column(Text, default="")
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
