"""The webhook side of the outbox: deliveries written in the conversion's transaction.

CONTRACT (the conversion service and conversion adjustments call it, like the postback
outbox, ADR 0030):

* ``enqueue_for_conversions(session, conversions)``: in the transaction that inserts a batch
  of conversions, one delivery per (active endpoint, conversion) the endpoint subscribes to
  (``conversion_registered`` for a base conversion, ``event_registered`` for an event), of
  any status. While no endpoint is active it costs one cached check (``directory``) and no
  query; otherwise one endpoint query, the names of the batch and one insert.
* ``on_status_change(session, conversions_and_old_statuses)``: a delivery of
  ``conversion_status_changed`` per changed conversion and subscribed endpoint.

The body is rendered here (the worker never reads the conversion) and each delivery gets a
new message id, which its retries keep. The worker signs each attempt when it sends it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.kit import standardwebhooks
from clicktrail.kit.timeutil import unix, utcnow
from clicktrail.models import Conversion, NetworkWebhook
from clicktrail.webhook import repository
from clicktrail.webhook.directory import DIRECTORY
from clicktrail.webhook.payload import Names, conversion_payload, encode
from clicktrail.webhook.schemas import CONVERSION_REGISTERED, EVENT_REGISTERED, STATUS_CHANGED


def _row(
    endpoint: NetworkWebhook, conversion: Conversion, body: str, now: datetime
) -> dict[str, Any]:
    return {
        "kind": "webhook",
        "network_id": conversion.network_id,
        "network_pixel_id": None,
        "network_webhook_id": endpoint.network_webhook_id,
        "conversion_id": conversion.conversion_id,
        "transaction_id": conversion.transaction_id or "",
        "network_offer_id": conversion.network_offer_id,
        "network_affiliate_id": conversion.network_affiliate_id,
        "network_offer_payout_revenue_id": conversion.network_offer_payout_revenue_id,
        "event_id": conversion.event_id,
        "delivery_method": "webhook",
        "pixel_level": "",
        "pixel_type": "event" if conversion.is_event else "conversion",
        "payload": endpoint.url,
        "body": body,
        "message_id": standardwebhooks.new_message_id(),
        "state": "pending",
        "attempts": 0,
        "failed_attempts": 0,
        "next_attempt_at": now,
        "last_attempt_at": None,
        "delivered_at": None,
        "last_status_code": None,
        "debug_information": "",
        "conversion_status": conversion.status,
        "conversion_status_note": "",
        "created_at": now,
        "updated_at": now,
        "in_flight_since": None,
        "retry_base": 0,
    }


async def _endpoints(session: AsyncSession) -> Sequence[NetworkWebhook]:
    if not await DIRECTORY.any_active(session):
        return ()
    return await repository.active(session)


async def enqueue_for_conversions(
    session: AsyncSession, conversions: Sequence[Conversion], *, now: datetime | None = None
) -> int:
    """Write the registered notifications of new conversions; returns how many."""
    if not conversions:
        return 0
    endpoints = await _endpoints(session)
    if not endpoints:
        return 0
    moment = now or utcnow()
    names = await Names.of(session, conversions)
    rows: list[dict[str, Any]] = []
    for conversion in conversions:
        kind = EVENT_REGISTERED if conversion.is_event else CONVERSION_REGISTERED
        wanted = [e for e in endpoints if kind in (e.events or [])]
        if not wanted:
            continue
        body = encode(
            conversion_payload(conversion, names, webhook_event=kind, generated_at=unix(moment))
        )
        rows.extend(_row(endpoint, conversion, body, moment) for endpoint in wanted)
    await repository.add_deliveries(session, rows)
    return len(rows)


async def on_status_change(
    session: AsyncSession,
    changes: Sequence[tuple[Conversion, str]],
    *,
    now: datetime | None = None,
) -> int:
    """Write a status-change notification per (conversion, old status) whose status moved;
    returns how many."""
    moved = [(c, old) for c, old in changes if c.status != old]
    if not moved:
        return 0
    endpoints = [e for e in await _endpoints(session) if STATUS_CHANGED in (e.events or [])]
    if not endpoints:
        return 0
    moment = now or utcnow()
    names = await Names.of(session, [c for c, _ in moved])
    rows: list[dict[str, Any]] = []
    for conversion, old in moved:
        body = encode(
            conversion_payload(
                conversion,
                names,
                webhook_event=STATUS_CHANGED,
                generated_at=unix(moment),
                previous_status=old,
            )
        )
        rows.extend(_row(endpoint, conversion, body, moment) for endpoint in endpoints)
    await repository.add_deliveries(session, rows)
    return len(rows)
