"""Payout/revenue entries of an offer: one per event.

The default entry (``is_default``) is the base conversion and has ``event_id`` 0. Every other
entry is an event whose ``event_id`` equals its own ``network_offer_payout_revenue_id``, which
is how Everflow refers to an event elsewhere (advertiser postback ``event_id``, seed 000's
``event_id``). Factories may set other event ids directly.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clicktrail.models.base import Base, PercentColumn

if TYPE_CHECKING:
    from clicktrail.models.offer import Offer


class OfferPayoutRevenue(Base):
    __tablename__ = "offer_payout_revenue"
    __table_args__ = (UniqueConstraint("network_offer_id", "event_id"),)

    network_offer_payout_revenue_id: Mapped[int] = mapped_column(
        primary_key=True, autoincrement=True
    )
    network_offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.network_offer_id", ondelete="CASCADE"), index=True
    )
    #: 0 = base conversion; other values are the offer's events (Scaleo: goals).
    event_id: Mapped[int] = mapped_column(default=0)
    entry_name: Mapped[str] = mapped_column(String(255), default="")
    #: Scaleo's goal_alias and the advertiser postback's adv_event_id match this.
    event_alias: Mapped[str] = mapped_column(String(255), default="")
    #: cpc | cpa | cpm | cps | cpa_cps | prv
    payout_type: Mapped[str] = mapped_column(String(16), default="cpa")
    payout_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    payout_percentage: Mapped[Decimal] = mapped_column(PercentColumn, default=Decimal(0))
    #: rpc | rpa | rpm | rps | rpa_rps
    revenue_type: Mapped[str] = mapped_column(String(16), default="rpa")
    revenue_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    revenue_percentage: Mapped[Decimal] = mapped_column(PercentColumn, default=Decimal(0))
    is_default: Mapped[bool] = mapped_column(default=False)
    is_private: Mapped[bool] = mapped_column(default=False)

    offer: Mapped[Offer] = relationship(back_populates="payout_revenue")
