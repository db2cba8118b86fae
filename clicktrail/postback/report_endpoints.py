"""Seed 002: ``POST /v1/networks/reporting/affiliate/pixels`` and ``…/pixels/export``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from starlette.responses import StreamingResponse

from clicktrail.deps import NetworkCaller, ReadSession, State
from clicktrail.kit.truncation import LIMIT_HEADER, TRUNCATED_HEADER
from clicktrail.postback import report
from clicktrail.postback.schemas import PixelExportIn, PixelReportIn

router = APIRouter(prefix="/v1/networks/reporting/affiliate", tags=["reporting"])


@router.post("/pixels")
async def affiliate_pixel_report(
    body: PixelReportIn, session: ReadSession, response: Response, _: NetworkCaller
) -> dict[str, Any]:
    """One row per affiliate postback in the window, at most 1000. When more matched, the
    response says so in ``X-Clicktrail-Truncated: true`` and points to the export in a
    ``Link`` header (``rel="export"``); the body stays seed 002's ``{"pixels": [...]}``."""
    result = await report.table(session, body)
    response.headers[TRUNCATED_HEADER] = "true" if result.truncated else "false"
    response.headers[LIMIT_HEADER] = str(report.TABLE_LIMIT)
    if result.truncated:
        response.headers["Link"] = f'<{router.prefix}/pixels/export>; rel="export"'
    return result.body


@router.post("/pixels/export")
async def affiliate_pixel_export(
    body: PixelExportIn, state: State, _: NetworkCaller
) -> StreamingResponse:
    """Every matching row as CSV or newline-delimited JSON, streamed."""
    fmt = report.check_format(body)
    scope = report.scope_of(body)
    _header, _encode, media = report.encoder(fmt)
    return StreamingResponse(
        report.export_bytes(state.db, scope, fmt),
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{report.export_filename(body, fmt)}"'
        },
    )
