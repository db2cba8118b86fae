"""Conversion webhooks: endpoints a network registers to receive signed JSON POSTs.

One row per endpoint: where it goes (``url``), which notifications it takes (``events``, a
JSON array of ``conversion_registered``, ``event_registered``, ``conversion_status_changed``),
whether it is ``active`` or ``paused``, and the Standard Webhooks signing secret (``whsec_``
form) the worker signs every attempt with. The secret is stored as is because signing needs
it; the API shows it once, when it is made (create, or rotate). Deliveries go through the
postback outbox (``postback_delivery`` rows of kind ``webhook``, ADR 0105).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from clicktrail.models.base import Base, JSONColumn


class NetworkWebhook(Base):
    __tablename__ = "network_webhook"

    network_webhook_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    network_id: Mapped[int] = mapped_column(default=1)
    name: Mapped[str] = mapped_column(String(255), default="")
    url: Mapped[str] = mapped_column(Text)
    events: Mapped[list[str]] = mapped_column(JSONColumn, default=list)
    #: active | paused
    webhook_status: Mapped[str] = mapped_column(String(16), default="active")
    secret: Mapped[str] = mapped_column(String(128))
    time_created: Mapped[datetime]
    time_saved: Mapped[datetime]
