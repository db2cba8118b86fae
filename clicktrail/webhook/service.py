"""Webhook endpoints: validate, create, replace, rotate the secret, delete. Never commits.

An endpoint's URL is checked whole before anything is stored: http or https, a host, no
user name or password (a receiver authenticates the signature, and a secret in a URL ends up
in logs), at most ``MAX_URL`` characters, and a host that is not a literal loopback, private
or link-local address. A name is resolved only when a delivery is sent, where the postback
guard checks every resolved address (ADR 0034). The signing secret is made on create and on
rotate, and shown only in those answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.errors import NotFound, ValidationFailed
from clicktrail.kit import standardwebhooks
from clicktrail.kit.paging import PageRequest
from clicktrail.kit.timeutil import utcnow
from clicktrail.models import NetworkWebhook, PostbackAttempt, PostbackDelivery
from clicktrail.postback.guard import is_public, literal_host, url_problem
from clicktrail.webhook import repository
from clicktrail.webhook.schemas import EVENTS, MAX_URL, WebhookIn

DELETED_NOTE = "webhook endpoint deleted before delivery; not sent"


def check_url(url: str, *, allow_private: bool) -> str:
    """The endpoint URL, or ValidationFailed naming ``url``."""
    if not url:
        raise ValidationFailed("url is required", field="url")
    if len(url) > MAX_URL:
        raise ValidationFailed(f"url must be at most {MAX_URL} characters", field="url")
    problem = url_problem(url)
    if problem:
        raise ValidationFailed(f"url {problem}", field="url")
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ValidationFailed("url must not contain a user name or password", field="url")
    host = literal_host(url)
    if host is not None and not allow_private and not is_public(host):
        raise ValidationFailed(f"url points at {host}, which is not a public address", field="url")
    return url


def _events(events: Sequence[str]) -> list[str]:
    if len(set(events)) != len(events):
        raise ValidationFailed("events lists an event twice", field="events")
    return [e for e in EVENTS if e in events]


async def create(session: AsyncSession, body: WebhookIn, *, allow_private: bool) -> NetworkWebhook:
    if body.network_webhook_id is not None:
        raise ValidationFailed(
            "network_webhook_id is assigned by the server", field="network_webhook_id"
        )
    now = utcnow()
    webhook = NetworkWebhook(
        name=body.name,
        url=check_url(body.url, allow_private=allow_private),
        events=_events(body.events),
        webhook_status=body.webhook_status,
        secret=standardwebhooks.new_secret(),
        time_created=now,
        time_saved=now,
    )
    return await repository.add(session, webhook)


async def get(session: AsyncSession, webhook_id: int) -> NetworkWebhook:
    webhook = await repository.by_id(session, webhook_id)
    if webhook is None:
        raise NotFound(f"webhook {webhook_id} not found", field="network_webhook_id")
    return webhook


async def list_page(
    session: AsyncSession, page: PageRequest
) -> tuple[Sequence[NetworkWebhook], int]:
    return await repository.page(session, page.offset, page.page_size)


async def replace(
    session: AsyncSession, webhook_id: int, body: WebhookIn, *, allow_private: bool
) -> NetworkWebhook:
    """Replace the endpoint's settings (its secret stays). Deliveries already queued keep
    the URL they were queued for."""
    if body.network_webhook_id is not None and body.network_webhook_id != webhook_id:
        raise ValidationFailed(
            "network_webhook_id does not match the path", field="network_webhook_id"
        )
    url = check_url(body.url, allow_private=allow_private)
    events = _events(body.events)
    webhook = await get(session, webhook_id)
    webhook.name = body.name
    webhook.url = url
    webhook.events = events
    webhook.webhook_status = body.webhook_status
    webhook.time_saved = utcnow()
    await session.flush()
    return webhook


async def deliveries(
    session: AsyncSession, webhook_id: int, page: PageRequest
) -> tuple[list[tuple[PostbackDelivery, list[PostbackAttempt]]], int]:
    """A page of the endpoint's delivery log, newest first, each with its attempts."""
    await get(session, webhook_id)
    rows, total = await repository.deliveries_page(session, webhook_id, page.offset, page.page_size)
    attempts = await repository.attempts_of(session, [d.id for d in rows])
    return [(d, attempts[d.id]) for d in rows], total


async def rotate_secret(session: AsyncSession, webhook_id: int) -> NetworkWebhook:
    """A new signing secret; every attempt from now on, retries too, is signed with it."""
    webhook = await get(session, webhook_id)
    webhook.secret = standardwebhooks.new_secret()
    webhook.time_saved = utcnow()
    await session.flush()
    return webhook


async def delete(session: AsyncSession, webhook_id: int) -> None:
    """Delete the endpoint; its deliveries not sent yet are canceled, the rest stay in the
    delivery log."""
    webhook = await get(session, webhook_id)
    await repository.cancel_unsent(session, webhook_id, note=DELETED_NOTE, now=utcnow())
    await repository.delete(session, webhook)
