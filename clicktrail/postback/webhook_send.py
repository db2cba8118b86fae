"""The worker's webhook deliveries: what a claimed one sends, and its signed POST (ADR 0105).

A webhook delivery is a ``postback_delivery`` row of kind ``webhook`` with no pixel: the
claim hands the worker its id and URL like any other; ``WebhookMessages.load`` then reads the
JSON body, the message id and the endpoint's current secret of the batch's webhook rows in
one query (none at all when the batch has no webhook row), and ``send`` POSTs the body with
the Standard Webhooks headers. The signature is computed at send time over the exact bytes
sent, with this attempt's timestamp; the ``webhook-id`` is the row's, the same on every retry.
Everything else (guard, retries, attempt rows, delivery log) is the postback path's.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit import standardwebhooks
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import NetworkWebhook, PostbackDelivery
from clicktrail.postback.repository import Claimed
from clicktrail.postback.sender import AttemptResult, PostbackSender

D = cast(Table, PostbackDelivery.__table__)
W = cast(Table, NetworkWebhook.__table__)

ENDPOINT_GONE = "not sent: the webhook endpoint was deleted"


@dataclass(frozen=True, slots=True)
class WebhookMessage:
    body: str
    message_id: str
    #: The endpoint's secret now ("" once the endpoint is deleted).
    secret: str


def is_webhook(item: Claimed) -> bool:
    return item.network_pixel_id is None


class WebhookMessages:
    """The bodies and secrets of claimed webhook deliveries, kept from claim to send."""

    def __init__(self, wall_clock: Callable[[], float] = time.time) -> None:
        self.wall_clock = wall_clock
        self._claimed: dict[int, WebhookMessage] = {}

    async def load(self, session: AsyncSession, claimed: Sequence[Claimed]) -> None:
        ids = [item.id for item in claimed if is_webhook(item)]
        if not ids:
            return
        query = (
            select(D.c.id, D.c.body, D.c.message_id, W.c.secret)
            .select_from(D.outerjoin(W, W.c.network_webhook_id == D.c.network_webhook_id))
            .where(D.c.id.in_(ids))
        )
        for delivery_id, body, message_id, secret in (await session.execute(query)).all():
            self._claimed[delivery_id] = WebhookMessage(body, message_id, secret or "")

    async def send(self, sender: PostbackSender, item: Claimed) -> AttemptResult:
        """POST one claimed webhook delivery, signed for this attempt."""
        message = self._claimed.pop(item.id, None)
        if message is None or not message.secret:
            return AttemptResult(url=item.payload, started_at=utcnow(), error=ENDPOINT_GONE)
        body = message.body.encode("utf-8")
        timestamp = int(self.wall_clock())
        headers = standardwebhooks.headers(message.secret, message.message_id, timestamp, body)
        return await sender.send(item.payload, post=body, headers=headers)
