"""The audit log: one row per change to a configured entity (ADR 0086).

Written by ``clicktrail/audit/capture.py`` in the transaction of the change itself, so a
change and its audit row commit or roll back together. ``before``/``after`` hold only the
columns that changed (all columns for a create or a delete), as JSON-safe values, secrets
redacted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    audit_entry_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    time_operation: Mapped[datetime]
    #: api_key | user | system
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    #: offer, offer_payout_revenue, advertiser, affiliate, ... (``audit/policy.py``)
    entity_type: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[str] = mapped_column(String(64))
    #: create | update | status_change | delete
    operation: Mapped[str] = mapped_column(String(16))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONColumn, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONColumn, default=None)

    __table_args__ = (
        Index("ix_audit_entry_time_operation", "time_operation"),
        Index("ix_audit_entry_entity", "entity_type", "entity_id", "time_operation"),
        Index("ix_audit_entry_actor", "actor_type", "actor_id", "time_operation"),
    )
