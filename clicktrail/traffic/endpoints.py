"""Everflow Network API: ``/v1/networks/trafficcontrols`` and clicktrail's
``/v1/networks/conversionthrottles``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from clicktrail.deps import NetworkCaller, ReadSession, WriteSession
from clicktrail.kit.ids import PathId
from clicktrail.kit.paging import PageParams, paging
from clicktrail.traffic import service
from clicktrail.traffic.schemas import (
    ConversionThrottleIn,
    TrafficControlIn,
    conversion_throttle_out,
    traffic_control_out,
)

router = APIRouter(prefix="/v1/networks", tags=["traffic"])


@router.post("/trafficcontrols")
async def create_traffic_control(
    body: TrafficControlIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Create a traffic control; answers the stored control."""
    return traffic_control_out(await service.create_control(session, body))


@router.get("/trafficcontrols")
async def list_traffic_controls(
    session: ReadSession, _: NetworkCaller, page: PageParams
) -> dict[str, Any]:
    """All traffic controls by id, paged with ``page`` and ``page_size``."""
    rows, total = await service.list_controls(session, page)
    return {
        "traffic_controls": [traffic_control_out(c) for c in rows],
        "paging": paging(page, total).model_dump(),
    }


@router.get("/trafficcontrols/{control_id}")
async def get_traffic_control(
    control_id: PathId, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """One traffic control with its values; 404 when it does not exist."""
    return traffic_control_out(await service.get_control(session, control_id))


@router.put("/trafficcontrols/{control_id}")
async def replace_traffic_control(
    control_id: PathId, body: TrafficControlIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Replace a traffic control (a full replacement, as Everflow's PUT)."""
    return traffic_control_out(await service.replace_control(session, control_id, body))


@router.delete("/trafficcontrols/{control_id}")
async def delete_traffic_control(
    control_id: PathId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Delete a traffic control."""
    await service.delete_control(session, control_id)
    return {"result": True}


@router.post("/conversionthrottles")
async def create_conversion_throttle(
    body: ConversionThrottleIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Hold back a share of an offer's (or one affiliate's) conversions."""
    return conversion_throttle_out(await service.create_throttle(session, body))


@router.get("/conversionthrottles")
async def list_conversion_throttles(
    session: ReadSession, _: NetworkCaller, page: PageParams
) -> dict[str, Any]:
    """All conversion throttles by id, paged with ``page`` and ``page_size``."""
    rows, total = await service.list_throttles(session, page)
    return {
        "conversion_throttles": [conversion_throttle_out(t) for t in rows],
        "paging": paging(page, total).model_dump(),
    }


@router.get("/conversionthrottles/{throttle_id}")
async def get_conversion_throttle(
    throttle_id: PathId, session: ReadSession, _: NetworkCaller
) -> dict[str, Any]:
    """One conversion throttle; 404 when it does not exist."""
    return conversion_throttle_out(await service.get_throttle(session, throttle_id))


@router.put("/conversionthrottles/{throttle_id}")
async def replace_conversion_throttle(
    throttle_id: PathId, body: ConversionThrottleIn, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Replace a conversion throttle."""
    return conversion_throttle_out(await service.replace_throttle(session, throttle_id, body))


@router.delete("/conversionthrottles/{throttle_id}")
async def delete_conversion_throttle(
    throttle_id: PathId, session: WriteSession, _: NetworkCaller
) -> dict[str, Any]:
    """Delete a conversion throttle."""
    await service.delete_throttle(session, throttle_id)
    return {"result": True}
