"""Everflow-compatible click endpoints: tracking links and the raw click reports (seed 003).

The stream endpoints return at most 5000 (affiliate) / 10000 (network) clicks, newest first.
When more matched, the response carries ``X-Clicktrail-Truncated: true`` and
``X-Clicktrail-Row-Limit``; the body stays exactly Everflow's ``{"clicks": [...]}``.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from clicktrail.click import service
from clicktrail.click.schemas import ClickStreamRequest, TrackingLinkOut, TrackingLinkRequest
from clicktrail.deps import AffiliateCaller, NetworkCaller, ReadSession, State
from clicktrail.kit.ids import PathKey
from clicktrail.kit.truncation import LIMIT_HEADER, TRUNCATED_HEADER

router = APIRouter(tags=["clicks"])


def _stream_response(result: service.StreamResult) -> JSONResponse:
    headers = {
        TRUNCATED_HEADER: "true" if result.truncated else "false",
        LIMIT_HEADER: str(result.limit),
    }
    return JSONResponse({"clicks": result.clicks}, headers=headers)


@router.post("/v1/networks/tracking/offers/clicks", response_model=TrackingLinkOut)
async def generate_tracking_link(
    body: TrackingLinkRequest, session: ReadSession, state: State, _: NetworkCaller
) -> TrackingLinkOut:
    """A ready-to-use tracking link for an offer and affiliate (Everflow: Generate Tracking
    Link). The link is ``{tracking_url}/{affiliate_code}/{offer_code}/?sub1=…``."""
    return TrackingLinkOut(url=await service.tracking_link(session, state.settings, body))


@router.post("/v1/affiliates/reporting/clicks/stream", response_model=None)
async def affiliate_click_stream(
    body: ClickStreamRequest, session: ReadSession, caller: AffiliateCaller
) -> JSONResponse:
    """The calling affiliate's raw clicks in a window of at most 14 days (seed 003)."""
    return _stream_response(await service.stream(session, body, affiliate_id=caller.affiliate_id))


@router.get("/v1/affiliates/reporting/clicks/{transaction_id}")
async def affiliate_click(
    transaction_id: PathKey, session: ReadSession, caller: AffiliateCaller
) -> dict[str, Any]:
    """One of the calling affiliate's clicks; 404 for anyone else's."""
    return await service.click_by_id(session, transaction_id, affiliate_id=caller.affiliate_id)


@router.post("/v1/networks/reporting/clicks/stream", response_model=None)
async def network_click_stream(
    body: ClickStreamRequest, session: ReadSession, _: NetworkCaller
) -> JSONResponse:
    """Every affiliate's raw clicks in a window of at most 14 days, newest first."""
    return _stream_response(await service.stream(session, body, affiliate_id=None))


@router.get("/v1/networks/reporting/clicks/{transaction_id}")
async def network_click(
    transaction_id: PathKey, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """One click by its transaction id."""
    return await service.click_by_id(session, transaction_id, affiliate_id=None)
