"""Which affiliates may see and run an offer, one row per offer and affiliate that differs
from the offer's default (Everflow's offer visibility).

``visibility_type`` is Everflow's: ``visible``, ``hidden`` or ``rejected`` (hidden and
rejected behave alike: the affiliate can neither see nor run the offer). Without a row the
offer's own ``visibility`` decides: a public offer is visible to every affiliate, one that
requires approval or is private to none. :func:`may_run` is that rule, in one place: the
tracking cache and the offer queries both follow it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base

VISIBLE = "visible"
HIDDEN = "hidden"
REJECTED = "rejected"
VISIBILITY_TYPES = (VISIBLE, HIDDEN, REJECTED)

PUBLIC = "public"
REQUIRE_APPROVAL = "require_approval"
PRIVATE = "private"


def may_run(offer_visibility: str, visibility_type: str | None) -> bool:
    """Whether an affiliate whose row says ``visibility_type`` (None: no row) may run an
    active offer of ``offer_visibility``."""
    if offer_visibility == PUBLIC:
        return visibility_type is None or visibility_type == VISIBLE
    return visibility_type == VISIBLE


class OfferVisibility(Base):
    __tablename__ = "offer_visibility"

    network_offer_id: Mapped[int] = mapped_column(
        ForeignKey("offer.network_offer_id", ondelete="CASCADE"), primary_key=True
    )
    network_affiliate_id: Mapped[int] = mapped_column(
        ForeignKey("affiliate.network_affiliate_id", ondelete="CASCADE"),
        primary_key=True,
        index=True,
    )
    #: visible | hidden | rejected
    visibility_type: Mapped[str] = mapped_column(String(16))
    time_saved: Mapped[datetime]
