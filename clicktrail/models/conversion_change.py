"""A conversion's history: one row per field a person or a job changed after it was recorded.

Everflow keeps a history entry for every update of a conversion (its status, its payout and
revenue, its sale amount). A row here holds who acted (the same actor the audit log records:
an API key, a console user or the system), when, which field, the value before and after,
and the note given with the change. Values are text: a status as written, money as the exact
decimal it was stored with (never a float). Rows are only ever added (ADR 0098).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base


class ConversionChange(Base):
    __tablename__ = "conversion_change"
    __table_args__ = (Index("ix_conversion_change_conversion", "conversion_id", "changed_at"),)

    conversion_change_id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    conversion_id: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime]
    #: api_key | user | system (``clicktrail/auth/actor.py``)
    actor_type: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[int | None]
    actor_label: Mapped[str] = mapped_column(String(255), default="")
    #: status | payout | revenue | sale_amount
    field: Mapped[str] = mapped_column(String(16))
    old_value: Mapped[str] = mapped_column(String(64), default="")
    new_value: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
