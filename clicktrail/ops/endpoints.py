"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from clicktrail.deps import State
from clicktrail.errors import Unauthorized
from clicktrail.ops.metrics import REGISTRY

router = APIRouter(tags=["operations"])


@router.get("/healthz", summary="The process is alive")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The database is reachable", response_model=None)
async def readyz(state: State) -> JSONResponse:
    if await state.db.ping():
        return JSONResponse({"status": "ready", "database": state.db.dialect})
    return JSONResponse({"status": "unavailable", "database": state.db.dialect}, status_code=503)


@router.get("/metrics", summary="Prometheus metrics", include_in_schema=False)
async def metrics(
    state: State,
    authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> Response:
    """Prometheus metrics; behind ``Authorization: Bearer <CLICKTRAIL_METRICS_TOKEN>`` when
    that setting is set."""
    token = state.settings.metrics_token
    if token:
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), token.encode()
        ):
            raise Unauthorized("A bearer token is required for /metrics")
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
