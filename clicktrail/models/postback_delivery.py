"""Postback deliveries: one row per (pixel, conversion), written in the conversion's
transaction (the outbox) and driven to a final state by the delivery worker.

``kind``: ``postback`` (an affiliate's pixel: ``payload`` is the rendered URL, sent as a GET)
or ``webhook`` (a network's webhook endpoint, ADR 0105: no pixel, ``payload`` is the
endpoint's URL, ``body`` the JSON sent as a POST and ``message_id`` its Standard Webhooks
``webhook-id``, the same on every retry). One (webhook, conversion) pair has a row per
notification (registered, then each status change).

``state``: ``pending`` (due at ``next_attempt_at``; a claim pushes that forward as a lease),
``succeeded``, ``failed`` (gave up after the last retry), ``paused`` (its pixel is
inactive, or went inactive; sent when it is active again), ``canceled`` (conversion no
longer approved before it was sent, or pixel deleted), ``skipped`` (HTML pixels: never
fired server-side).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base

#: BIGINT on PostgreSQL, INTEGER (the rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class PostbackDelivery(Base):
    __tablename__ = "postback_delivery"
    __table_args__ = (
        UniqueConstraint("network_pixel_id", "conversion_id"),
        Index(
            "ix_postback_delivery_due",
            "next_attempt_at",
            postgresql_where=text("state = 'pending'"),
            sqlite_where=text("state = 'pending'"),
        ),
        Index("ix_postback_delivery_created", "created_at", "id"),
        Index("ix_postback_delivery_conversion", "conversion_id"),
        Index(
            "ix_postback_delivery_unsent",
            "network_pixel_id",
            postgresql_where=text("state IN ('pending', 'paused')"),
            sqlite_where=text("state IN ('pending', 'paused')"),
        ),
        Index("ix_postback_delivery_network_webhook_id", "network_webhook_id"),
        Index(
            "ix_postback_delivery_in_flight",
            "next_attempt_at",
            postgresql_where=text("in_flight_since IS NOT NULL"),
            sqlite_where=text("in_flight_since IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    #: None for a webhook delivery.
    network_pixel_id: Mapped[int | None] = mapped_column(ForeignKey("pixel.network_pixel_id"))
    #: postback | webhook
    kind: Mapped[str] = mapped_column(String(16), default="postback", server_default="postback")
    #: The webhook endpoint of a webhook delivery (None once the endpoint is deleted).
    network_webhook_id: Mapped[int | None] = mapped_column(
        ForeignKey("network_webhook.network_webhook_id", ondelete="SET NULL")
    )
    #: A webhook's JSON body, exactly as sent, and its ``webhook-id``.
    body: Mapped[str] = mapped_column(Text, default="", server_default="")
    message_id: Mapped[str] = mapped_column(String(64), default="", server_default="")
    conversion_id: Mapped[str] = mapped_column(String(32))
    transaction_id: Mapped[str] = mapped_column(String(32), default="")
    network_offer_id: Mapped[int] = mapped_column(default=0)
    network_affiliate_id: Mapped[int] = mapped_column(default=0)
    network_offer_payout_revenue_id: Mapped[int] = mapped_column(default=0)
    event_id: Mapped[int] = mapped_column(default=0)
    # The pixel as it was when the conversion happened.
    delivery_method: Mapped[str] = mapped_column(String(16), default="postback")
    pixel_level: Mapped[str] = mapped_column(String(16), default="global")
    pixel_type: Mapped[str] = mapped_column(String(16), default="conversion")
    #: The rendered postback URL (or HTML code), macros substituted.
    payload: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    last_attempt_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]
    last_status_code: Mapped[int | None]
    #: What the last attempt saw (Everflow's debug_information).
    debug_information: Mapped[str] = mapped_column(Text, default="")
    #: The conversion's status as last known, and what happened when it changed.
    conversion_status: Mapped[str] = mapped_column(String(16), default="approved")
    conversion_status_note: Mapped[str] = mapped_column(Text, default="")
    #: When the attempt now in flight was claimed; None between attempts. Still set at the
    #: next claim: that attempt's worker died, so its outcome is unknown (ADR 0069).
    in_flight_since: Mapped[datetime | None]
    #: ``attempts`` when the current run of retries began (resumed or resent deliveries
    #: get the full number of attempts again).
    retry_base: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
