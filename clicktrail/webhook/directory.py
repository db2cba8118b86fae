"""Is any webhook endpoint active? One cached answer per process, so the conversion path
pays nothing for webhooks while there are none (ADR 0105).

The answer is read from the database at most once per ``TTL_SECONDS`` and at once after this
process commits a change to an endpoint (a session listener, registered on import). Only
"none" is relied on: when the answer is "some", the outbox reads the active endpoints in the
batch's own transaction, so pausing or deleting one is seen by the next conversion. Another
process sees a first endpoint within ``TTL_SECONDS``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, UOWTransaction

from clicktrail.models import NetworkWebhook
from clicktrail.webhook import repository

TTL_SECONDS = 1.0
_TOUCHED = "clicktrail_webhook_touched"


class WebhookDirectory:
    def __init__(
        self, ttl: float = TTL_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.ttl = ttl
        self.clock = clock
        self._known: bool | None = None
        self._until = 0.0

    async def any_active(self, session: AsyncSession) -> bool:
        now = self.clock()
        if self._known is None or now >= self._until:
            self._known = await repository.any_active(session)
            self._until = now + self.ttl
        return self._known

    def invalidate(self) -> None:
        self._known = None


DIRECTORY = WebhookDirectory()


@event.listens_for(Session, "before_flush")
def _mark(session: Session, _flush: UOWTransaction, _instances: Any) -> None:
    if any(
        isinstance(obj, NetworkWebhook)
        for group in (session.new, session.dirty, session.deleted)
        for obj in group
    ):
        session.info[_TOUCHED] = True


@event.listens_for(Session, "after_commit")
def _forget(session: Session) -> None:
    if session.info.pop(_TOUCHED, False):
        DIRECTORY.invalidate()


@event.listens_for(Session, "after_rollback")
def _drop_mark(session: Session) -> None:
    session.info.pop(_TOUCHED, None)
