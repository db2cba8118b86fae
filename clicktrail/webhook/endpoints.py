"""clicktrail's ``/v1/networks/webhooks``: a network's signed conversion webhooks (ADR 0105)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clicktrail.deps import NetworkCaller, ReadSession, State, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging
from clicktrail.webhook import service
from clicktrail.webhook.schemas import WebhookIn, delivery_out, webhook_out, webhook_with_secret

router = APIRouter(prefix="/v1/networks", tags=["webhooks"])


@router.post("/webhooks")
async def create_webhook(
    body: WebhookIn, session: WriteSession, state: State, _: NetworkCaller
) -> dict[str, Any]:
    """Register an endpoint; the answer holds its signing ``secret``, shown this once."""
    webhook = await service.create(
        session, body, allow_private=state.settings.postback_allow_private
    )
    return webhook_with_secret(webhook)


@router.get("/webhooks")
async def list_webhooks(session: ReadSession, _: NetworkCaller, page: PageParams) -> dict[str, Any]:
    """Every endpoint by id, paged with ``page`` and ``page_size`` (never a secret)."""
    rows, total = await service.list_page(session, page)
    return {"webhooks": [webhook_out(w) for w in rows], "paging": paging(page, total).model_dump()}


@router.get("/webhooks/{webhook_id}")
async def get_webhook(webhook_id: PathId, session: ReadSession, _: NetworkCaller) -> dict[str, Any]:
    """One endpoint; 404 when it does not exist."""
    return webhook_out(await service.get(session, webhook_id))


@router.put("/webhooks/{webhook_id}")
async def replace_webhook(
    webhook_id: PathId, body: WebhookIn, session: WriteSession, state: State, _: NetworkCaller
) -> dict[str, Any]:
    """Replace an endpoint's URL, events, status and name (the secret stays)."""
    webhook = await service.replace(
        session, webhook_id, body, allow_private=state.settings.postback_allow_private
    )
    return webhook_out(webhook)


@router.get("/webhooks/{webhook_id}/deliveries")
async def list_webhook_deliveries(
    webhook_id: PathId, session: ReadSession, _: NetworkCaller, page: PageParams
) -> dict[str, Any]:
    """The endpoint's delivery log, newest first, each delivery with its attempts."""
    rows, total = await service.deliveries(session, webhook_id, page)
    return {
        "deliveries": [delivery_out(d, attempts) for d, attempts in rows],
        "paging": paging(page, total).model_dump(),
    }


@router.post("/webhooks/{webhook_id}/secret")
async def rotate_webhook_secret(
    webhook_id: PathId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Make a new signing secret and answer it, this once."""
    return webhook_with_secret(await service.rotate_secret(session, webhook_id))


@router.delete("/webhooks/{webhook_id}")
async def delete_webhook(
    webhook_id: PathId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Delete an endpoint; its deliveries not sent yet are canceled."""
    await service.delete(session, webhook_id)
    return {"result": True}
