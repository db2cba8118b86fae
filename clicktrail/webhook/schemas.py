"""Webhook endpoint shapes (``/v1/networks/webhooks``), named in Everflow's style.

Everflow configures webhooks in its UI only; the fields here follow its conventions
(``network_webhook_id``, ``webhook_status``, ``time_created``/``time_saved``). Request bodies
refuse unknown fields. The signing secret is never part of an endpoint's answer: it is
returned once, as ``secret``, by create and by rotate.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from clicktrail.kit.paging import Paging
from clicktrail.kit.wire import Id32, OptionalName
from clicktrail.models import NetworkWebhook, PostbackAttempt, PostbackDelivery
from clicktrail.network.wire import unix_or_zero

#: The notifications an endpoint may subscribe to: Everflow's Conversion Registered and
#: Event Registered, and a status change of a recorded conversion.
CONVERSION_REGISTERED = "conversion_registered"
EVENT_REGISTERED = "event_registered"
STATUS_CHANGED = "conversion_status_changed"
EVENTS = (CONVERSION_REGISTERED, EVENT_REGISTERED, STATUS_CHANGED)
Event = Literal["conversion_registered", "event_registered", "conversion_status_changed"]
Status = Literal["active", "paused"]
#: The longest endpoint URL accepted.
MAX_URL = 2048

# Bounded before the service looks at it; the service says what is wrong with it.
UrlText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=MAX_URL)]


class WebhookIn(BaseModel):
    """POST and PUT body (PUT replaces the endpoint's settings; the secret stays)."""

    model_config = ConfigDict(extra="forbid")

    #: Accepted on PUT; must name the endpoint in the path.
    network_webhook_id: Id32 | None = None
    name: OptionalName = ""
    url: UrlText
    events: Annotated[list[Event], Field(min_length=1, max_length=len(EVENTS))]
    webhook_status: Status = "active"


def webhook_out(webhook: NetworkWebhook) -> dict[str, Any]:
    return {
        "network_webhook_id": webhook.network_webhook_id,
        "network_id": webhook.network_id,
        "name": webhook.name,
        "url": webhook.url,
        "events": list(webhook.events or []),
        "webhook_status": webhook.webhook_status,
        "time_created": unix_or_zero(webhook.time_created),
        "time_saved": unix_or_zero(webhook.time_saved),
    }


def webhook_with_secret(webhook: NetworkWebhook) -> dict[str, Any]:
    """Create's and rotate's answer: the endpoint and its signing secret, shown this once."""
    return {**webhook_out(webhook), "secret": webhook.secret}


def _event_of(body: str) -> str:
    try:
        value = orjson.loads(body).get("webhook_event", "")
    except (orjson.JSONDecodeError, AttributeError):
        return ""
    return str(value)


def attempt_out(attempt: PostbackAttempt) -> dict[str, Any]:
    return {
        "attempt_no": attempt.attempt_no,
        "unix_timestamp": unix_or_zero(attempt.attempted_at),
        "status_code": attempt.status_code,
        "duration_ms": attempt.duration_ms,
        "error": attempt.error,
        "response_excerpt": attempt.response_excerpt,
    }


def delivery_out(delivery: PostbackDelivery, attempts: list[PostbackAttempt]) -> dict[str, Any]:
    """One entry of an endpoint's delivery log."""
    return {
        "webhook_delivery_id": delivery.id,
        "message_id": delivery.message_id,
        "webhook_event": _event_of(delivery.body),
        "conversion_id": delivery.conversion_id,
        "url": delivery.payload,
        "delivery_status": delivery.state,
        "attempt_count": delivery.attempts,
        "failed_attempt_count": delivery.failed_attempts,
        "last_status_code": delivery.last_status_code,
        "time_created": unix_or_zero(delivery.created_at),
        "time_last_attempt": unix_or_zero(delivery.last_attempt_at),
        "time_delivered": unix_or_zero(delivery.delivered_at),
        "time_next_attempt": unix_or_zero(delivery.next_attempt_at)
        if delivery.state == "pending"
        else 0,
        "notes": delivery.conversion_status_note,
        "relationship": {"attempts": [attempt_out(a) for a in attempts]},
    }


# Response models, for the OpenAPI document (clicktrail/openapi/operations.py).


class WebhookOut(BaseModel):
    network_webhook_id: int
    network_id: int
    name: str
    url: str
    events: list[str]
    webhook_status: str
    time_created: int
    time_saved: int


class WebhookWithSecret(WebhookOut):
    #: The Standard Webhooks signing secret (``whsec_`` and base64); shown once.
    secret: str


class WebhookList(BaseModel):
    webhooks: list[WebhookOut]
    paging: Paging


class WebhookAttemptOut(BaseModel):
    attempt_no: int
    unix_timestamp: int
    status_code: int | None
    duration_ms: int
    error: str
    response_excerpt: str


class WebhookDeliveryRelationship(BaseModel):
    attempts: list[WebhookAttemptOut]


class WebhookDeliveryOut(BaseModel):
    webhook_delivery_id: int
    message_id: str
    webhook_event: str
    conversion_id: str
    url: str
    delivery_status: str
    attempt_count: int
    failed_attempt_count: int
    last_status_code: int | None
    time_created: int
    time_last_attempt: int
    time_delivered: int
    time_next_attempt: int
    notes: str
    relationship: WebhookDeliveryRelationship


class WebhookDeliveryList(BaseModel):
    deliveries: list[WebhookDeliveryOut]
    paging: Paging
