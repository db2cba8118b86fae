"""The console's answer to offer applications: approve or reject one from the offer page
(the page lists the pending ones). Goes through the API's service (access/service.py), so
the affiliate's visibility follows as it does through ``PATCH /v1/networks/applications``."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.access import service
from clicktrail.access.repository import ApplicationRow
from clicktrail.access.schemas import (
    ApplicationFilters,
    ApplicationPatch,
    ApplicationsPatchIn,
    ApplicationsTableIn,
)
from clicktrail.deps import WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageRequest
from clicktrail.offer.service import get_offer
from clicktrail.web.guard import ConsoleUser
from clicktrail.web.templating import flash_redirect

router = APIRouter(include_in_schema=False)

#: Most pending applications the offer page lists.
SHOWN = 50
DECISIONS = {"approved": "Application approved.", "rejected": "Application rejected."}


async def pending(session: AsyncSession, offer_id: int) -> list[ApplicationRow]:
    """The offer's pending applications, newest first."""
    filters = ApplicationFilters(network_offer_ids=[offer_id], application_status="pending")
    rows, _total = await service.applications(
        session, PageRequest(page=1, page_size=SHOWN), ApplicationsTableIn(filters=filters)
    )
    return rows


@router.post("/app/offers/{offer_id}/applications/{application_id}")
async def decide(
    offer_id: PathId,
    application_id: PathId,
    request: Request,
    session: WriteSession,
    _: ConsoleUser,
) -> Response:
    await get_offer(session, offer_id)  # 404 for an unknown offer
    target = f"/app/offers/{offer_id}#applications-title"
    wanted = (await request.form()).get("application_status")
    mine = {row[0].network_application_id for row in await pending(session, offer_id)}
    if wanted not in DECISIONS or application_id not in mine:
        return flash_redirect(target, "Choose to approve or reject a pending application.", "error")
    await service.decide_applications(
        session,
        ApplicationsPatchIn(
            network_application_ids=[application_id],
            patches=[ApplicationPatch(field_name="application_status", field_value=wanted)],
        ),
    )
    return flash_redirect(target, DECISIONS[str(wanted)])
