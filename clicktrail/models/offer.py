"""Offers: what affiliates promote.

Column names are Everflow's offer fields. Two groups are worth a note for other domains:

- Click-to-conversion window. ``is_session_tracking_enabled``,
  ``session_tracking_lifespan_hour`` and ``session_tracking_minimum_lifespan_second`` are
  Everflow's wire fields, kept as sent. The offer service derives the effective rule from them
  into ``min_click_to_conversion_seconds`` / ``max_click_to_conversion_seconds`` (0 = no
  limit); conversion rules read only those two.
- Duplicates. ``is_allow_duplicate_conversion`` (Everflow) says whether a second conversion
  for the same click and event is accepted (default: refused). ``is_duplicate_filter_enabled``
  and ``duplicate_filter_targeting_action`` are Everflow's duplicate *click* filter, unrelated
  to conversions. ``is_order_id_deduplicated`` (clicktrail) makes a replay with the same
  ``order_id`` return the existing conversion.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from clicktrail.models.base import Base, JSONColumn
from clicktrail.models.caps_mixin import CapColumns

if TYPE_CHECKING:
    from clicktrail.models.offer_payout_revenue import OfferPayoutRevenue


class Offer(CapColumns, Base):
    __tablename__ = "offer"
    # The cap columns' defaults are the database's; never ask for them back (an INSERT into
    # an older revision, as the migration tests do, must not name them).
    __mapper_args__ = {"eager_defaults": False}

    network_offer_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    network_advertiser_id: Mapped[int] = mapped_column(
        ForeignKey("advertiser.network_advertiser_id"), index=True
    )
    network_offer_group_id: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(String(255))
    #: active | paused | pending | deleted; only active offers track.
    offer_status: Mapped[str] = mapped_column(String(16), default="active")
    destination_url: Mapped[str] = mapped_column(Text)
    server_side_url: Mapped[str] = mapped_column(Text, default="")
    preview_url: Mapped[str] = mapped_column(Text, default="")
    html_description: Mapped[str] = mapped_column(Text, default="")
    currency_id: Mapped[str] = mapped_column(String(3), default="USD")
    #: public | require_approval | private
    visibility: Mapped[str] = mapped_column(String(24), default="public")
    network_tracking_domain_id: Mapped[int] = mapped_column(default=0)
    #: server_postback | javascript | html_pixel_cookie_based
    conversion_method: Mapped[str] = mapped_column(String(32), default="server_postback")
    # Session: how long a visitor counts as the same (unique clicks), in hours.
    session_definition: Mapped[str] = mapped_column(String(16), default="cookie")
    session_duration: Mapped[int] = mapped_column(default=24)
    is_using_explicit_terms_and_conditions: Mapped[bool] = mapped_column(default=False)
    # Click-to-conversion window as Everflow sends it ...
    is_session_tracking_enabled: Mapped[bool] = mapped_column(default=False)
    session_tracking_start_on: Mapped[str] = mapped_column(String(16), default="click")
    session_tracking_lifespan_hour: Mapped[int] = mapped_column(default=0)
    session_tracking_minimum_lifespan_second: Mapped[int] = mapped_column(default=0)
    # ... and the effective rule derived from it, in seconds; 0 = no limit.
    min_click_to_conversion_seconds: Mapped[int] = mapped_column(default=0)
    max_click_to_conversion_seconds: Mapped[int] = mapped_column(default=0)
    #: Accept a second conversion for the same click and event (default: refuse it).
    is_allow_duplicate_conversion: Mapped[bool] = mapped_column(default=False)
    #: New conversions start as pending instead of approved.
    is_must_approve_conversion: Mapped[bool] = mapped_column(default=False)
    # Everflow's duplicate *click* filter (unknown | block | fail_traffic).
    is_duplicate_filter_enabled: Mapped[bool] = mapped_column(default=False)
    duplicate_filter_targeting_action: Mapped[str] = mapped_column(String(16), default="unknown")
    #: A replay with the same order_id returns the existing conversion (clicktrail).
    is_order_id_deduplicated: Mapped[bool] = mapped_column(default=False)
    #: Refuse clicks the enrichment flags as coming from a known proxy (Everflow's ruleset
    #: field name) or a robot (clicktrail, in the same style); they go to fail traffic.
    is_block_proxy: Mapped[bool] = mapped_column(default=False)
    is_block_robots: Mapped[bool] = mapped_column(default=False)
    #: When set, advertiser postbacks for this offer must carry it (clicktrail; Everflow keeps
    #: it on the advertiser, which is checked too).
    verification_token: Mapped[str] = mapped_column(String(255), default="")
    internal_notes: Mapped[str] = mapped_column(Text, default="")
    #: Targeting: the normalised ruleset (clicktrail/offer/ruleset.py), None when the offer
    #: has no rule. Clicks that miss it are invalid (code 8) and go to the fail traffic.
    ruleset: Mapped[dict[str, Any] | None] = mapped_column(JSONColumn, default=None)
    # Everflow's fail-traffic redirect: where clicks a rule refuses go instead of the
    # network fallback. ``internal``: the first active offer of ``internal_redirects``
    # (``[{redirect_network_offer_id, routing_value}]``) by priority or weight; ``external``:
    # ``fail_traffic_url`` (clicktrail).
    is_fail_traffic_enabled: Mapped[bool] = mapped_column(default=False)
    redirect_routing_method: Mapped[str] = mapped_column(String(16), default="unknown")
    redirect_internal_routing_type: Mapped[str] = mapped_column(String(24), default="unknown")
    internal_redirects: Mapped[list[dict[str, Any]] | None] = mapped_column(
        JSONColumn, default=None
    )
    fail_traffic_url: Mapped[str] = mapped_column(Text, default="")
    #: Caps (the ``*_cap`` columns of CapColumns and the offer's custom cap settings) are
    #: enforced only while this is on; an offer without caps costs nothing extra.
    is_caps_enabled: Mapped[bool] = mapped_column(server_default=false())
    #: View-through attribution (ADR 0103): a postback naming the offer and affiliate but no
    #: click is credited to their latest impression within ``view_through_lookback_hour``
    #: hours (0: no limit). ``view_through_destination_url``: the advertiser's impression
    #: link (kept, not fired yet).
    is_view_through_enabled: Mapped[bool] = mapped_column(default=False, server_default=false())
    view_through_destination_url: Mapped[str] = mapped_column(Text, default="", server_default="")
    view_through_lookback_hour: Mapped[int] = mapped_column(default=0, server_default="0")
    time_created: Mapped[datetime]
    #: Bumped on every change, payout/revenue entries included (caches poll it).
    time_saved: Mapped[datetime]

    payout_revenue: Mapped[list[OfferPayoutRevenue]] = relationship(
        back_populates="offer",
        cascade="all, delete-orphan",
        order_by="OfferPayoutRevenue.network_offer_payout_revenue_id",
        lazy="selectin",
    )

    def default_entry(self) -> OfferPayoutRevenue | None:
        """The base-conversion entry (``is_default``, event 0)."""
        for entry in self.payout_revenue:
            if entry.is_default:
                return entry
        return None
