"""Everflow Network API: ``/v1/networks/affiliates``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clicktrail.affiliate import service
from clicktrail.affiliate.schemas import AffiliateIn, affiliate_out
from clicktrail.deps import NetworkCaller, ReadSession, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging

router = APIRouter(prefix="/v1/networks/affiliates", tags=["affiliates"])


@router.post("")
async def create_affiliate(
    body: AffiliateIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Create an affiliate; answers the stored affiliate."""
    return affiliate_out(await service.create_affiliate(session, body))


@router.get("")
async def list_affiliates(
    session: ReadSession, _: NetworkCaller, page: PageParams
) -> dict[str, Any]:
    """All affiliates by id, paged with ``page`` and ``page_size``."""
    rows, total = await service.list_affiliates(session, page)
    return {
        "affiliates": [affiliate_out(a) for a in rows],
        "paging": paging(page, total).model_dump(),
    }


@router.get("/{affiliate_id}")
async def get_affiliate(
    affiliate_id: PathId, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """One affiliate; 404 when it does not exist."""
    return affiliate_out(await service.get_affiliate(session, affiliate_id))


@router.put("/{affiliate_id}")
async def replace_affiliate(
    affiliate_id: PathId, body: AffiliateIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Replace an affiliate (Everflow's PUT: omitted fields revert to their defaults)."""
    return affiliate_out(await service.replace_affiliate(session, affiliate_id, body))
