"""Everflow Network API: the network object, ``/v1/networks`` and ``/v1/networks/info``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clicktrail.deps import NetworkCaller, ReadSession, WriteSession
from clicktrail.network import service
from clicktrail.network.schemas import NetworkUpdate, network_out

router = APIRouter(prefix="/v1/networks", tags=["network"])


@router.get("")
@router.get("/info")
async def get_network(session: ReadSession, _: NetworkCaller) -> dict[str, Any]:
    """The network's settings: default reporting timezone, currency, fallback URL."""
    return network_out(await service.get_network(session))


@router.put("")
@router.put("/info")
async def update_network(
    body: NetworkUpdate, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Change the given settings; omitted fields keep their value."""
    return network_out(await service.update_network(session, body))
