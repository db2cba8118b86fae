"""Everflow Network API: ``/v1/networks/advertisers``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clicktrail.advertiser import service
from clicktrail.advertiser.schemas import AdvertiserIn, advertiser_out
from clicktrail.deps import NetworkCaller, ReadSession, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging

router = APIRouter(prefix="/v1/networks/advertisers", tags=["advertisers"])


@router.post("")
async def create_advertiser(
    body: AdvertiserIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Create an advertiser; answers the stored advertiser."""
    return advertiser_out(await service.create_advertiser(session, body))


@router.get("")
async def list_advertisers(
    session: ReadSession, _: NetworkCaller, page: PageParams
) -> dict[str, Any]:
    """All advertisers by id, paged with ``page`` and ``page_size``."""
    rows, total = await service.list_advertisers(session, page)
    return {
        "advertisers": [advertiser_out(a) for a in rows],
        "paging": paging(page, total).model_dump(),
    }


@router.get("/{advertiser_id}")
async def get_advertiser(
    advertiser_id: PathId, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """One advertiser; 404 when it does not exist."""
    return advertiser_out(await service.get_advertiser(session, advertiser_id))


@router.put("/{advertiser_id}")
async def replace_advertiser(
    advertiser_id: PathId, body: AdvertiserIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Replace an advertiser (Everflow's PUT: omitted fields revert to their defaults)."""
    return advertiser_out(await service.replace_advertiser(session, advertiser_id, body))
