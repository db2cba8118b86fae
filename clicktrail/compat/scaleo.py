"""Scaleo-compatible conversions: POST /api/v2/network/tracking/conv-click-id (seed 001).

Maps Scaleo's fields onto the conversion service: the click resolves affiliate, offer and
geo; ``goal_id`` is an entry's positive ``network_offer_payout_revenue_id`` (the default goal
is the base entry's id) and ``goal_alias`` its ``event_alias``, the default goal when
neither; ``hold`` is stored as pending with ``original_status`` hold; ``ip`` overrides the
click's geo; ``timestamp``/``click_timestamp`` are ``Y-m-d H:i:s`` in the network's
timezone. The fields come as JSON, a form or the query string (``scaleo_body``).

Answers in Scaleo's envelope. A conversion the offer's rules refuse (a duplicate, outside the
click-to-conversion window, an inactive offer) is stored, as every refusal is, and answered
as Scaleo answers it: ``422`` with ``status: error`` and ``info.errors`` naming the field,
never ``success``. Bad input is the same 422, a bad key 401 (see ``clicktrail/dialects.py``).
ADR 0076.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from clicktrail.compat.scaleo_body import ACCEPTED_TYPES, read_fields
from clicktrail.compat.scaleo_schemas import COLUMN_FIELDS, FIELD_NAMES, ConvClickIdIn
from clicktrail.conversion.draft import ConversionDraft, RequestedStatus
from clicktrail.conversion.reasons import Reason
from clicktrail.conversion.service import Recorded, record
from clicktrail.deps import ScaleoCaller, WriteSession, get_state
from clicktrail.errors import ClicktrailError, ValidationFailed
from clicktrail.kit.money import _to_number
from clicktrail.kit.timeutil import BOUNDS_TEXT, parse_local_datetime
from clicktrail.meta.timezones import BY_ID, UTC_ID, zone_for
from clicktrail.models import Network
from clicktrail.offer import repository as offers
from clicktrail.validation import describe_validation_error

router = APIRouter(tags=["scaleo"])

_STATUS: dict[str, RequestedStatus] = {
    "approved": "approved",
    "pending": "pending",
    "hold": "pending",
    "rejected": "rejected",
}


async def _network_zone_id(session: AsyncSession) -> int:
    network = await session.get(Network, 1)
    zone_id = network.timezone_id if network is not None else UTC_ID
    return zone_id if zone_id in BY_ID else UTC_ID


def _moment(value: str | None, field: str, zone_id: int) -> datetime | None:
    if not value:
        return None
    try:
        return parse_local_datetime(value.strip(), zone_for(zone_id))
    except ValueError as exc:
        if str(exc) == BOUNDS_TEXT:
            raise ValidationFailed(f"{field} {BOUNDS_TEXT}", field=field) from exc
        raise ValidationFailed(f"{field} must be in Y-m-d H:i:s format", field=field) from exc


def _geo(request: Request, ip: str) -> dict[str, str] | None:
    """Geo columns for ``ip`` from the tracking host's locator; None when it knows nothing
    (no GeoIP database configured, or no entry for the address): the click's geo stays."""
    try:
        ipaddress.ip_address(ip)
    except ValueError as exc:
        raise ValidationFailed("ip must be an IPv4 or IPv6 address", field="ip") from exc
    tracking = get_state(request).components.get("tracking")
    locator = getattr(tracking, "geo", None)
    found: dict[str, Any] = locator.lookup(ip) if locator is not None else {}
    if not found.get("country_code"):
        return None
    return {
        name: str(found.get(name) or "") for name in ("country_code", "region_name", "city_name")
    }


def draft_from(body: ConvClickIdIn, zone_id: int, geo: dict[str, str] | None) -> ConversionDraft:
    status = _STATUS[body.conv_status] if body.conv_status else None
    columns = {column: getattr(body, wire) for wire, column in COLUMN_FIELDS.items()}
    draft = ConversionDraft(
        source="scaleo",
        transaction_id=body.click_id.lower(),
        entry_id=body.goal_id,
        event_alias=body.goal_alias or None,
        sale_amount=body.amount,
        revenue=body.revenue,
        payout=body.payout,
        status=status,
        original_status=body.conv_status if body.conv_status == "hold" else "",
        created_at=_moment(body.timestamp, "timestamp", zone_id),
        click_at=_moment(body.click_timestamp, "click_timestamp", zone_id),
        conversion_user_ip=body.ip,
        attributes=body.attributes() or None,
        **columns,
    )
    if geo is not None:
        draft.country_code = geo["country_code"]
        draft.region_name = geo["region_name"]
        draft.city_name = geo["city_name"]
    return draft


def _scaleo_status(recorded: Recorded) -> str:
    conversion = recorded.conversion
    if conversion.original_status == "hold" and conversion.status == "pending":
        return "hold"
    return "rejected" if conversion.status == "invalid" else conversion.status


#: The request field a refusal is about, for ``info.errors`` (else ``click_id``).
_REFUSAL_FIELDS: dict[int, str] = {
    Reason.ABOVE_LOOKBACK_WINDOW: "timestamp",
    Reason.BELOW_LOOKBACK_WINDOW: "timestamp",
}


def envelope(recorded: Recorded, goal_id: int) -> tuple[int, dict[str, Any]]:
    """(HTTP status, body): 200 ``success`` for an accepted conversion (or the replay of
    one), 422 ``error`` naming the reason for one the offer's rules refused."""
    c = recorded.conversion
    accepted = c.error_code == 0
    if accepted:
        message = "Conversion already exists" if recorded.replayed else "Conversion created"
    else:
        message = c.error_message
    info: dict[str, Any] = {
        "status": "success" if accepted else "rejected",
        "message": message,
        "lead_id": c.conversion_id,
        "transaction_id": c.transaction_id or "",
        "conv_status": _scaleo_status(recorded),
        "affiliate_id": c.network_affiliate_id,
        "offer_id": c.network_offer_id,
        "goal_id": goal_id,
        "additional": {
            "replayed": recorded.replayed,
            "error_code": c.error_code,
            "error_message": c.error_message,
            "payout": _to_number(c.payout),
            "revenue": _to_number(c.revenue),
            "amount": _to_number(c.sale_amount),
            "currency": c.currency_id,
        },
    }
    if accepted:
        return 200, {
            "status": "success",
            "code": 200,
            "name": "OK",
            "message": message,
            "info": info,
        }
    info["errors"] = {_REFUSAL_FIELDS.get(c.error_code, "click_id"): [message]}
    body = {
        "status": "error",
        "code": 422,
        "name": "Unprocessable Entity",
        "message": message,
        "info": info,
    }
    return 422, body


def _rename(exc: ClicktrailError) -> ClicktrailError:
    """Name the fields as Scaleo's client sent them (click_id, goal_id …)."""
    if exc.field in FIELD_NAMES:
        name = FIELD_NAMES[exc.field]
        exc.message = exc.message.replace(exc.field, name)
        if isinstance(exc, ValidationFailed):
            exc.errors = {
                FIELD_NAMES.get(k, k): v.replace(k, FIELD_NAMES.get(k, k), 1)
                for k, v in exc.errors.items()
            }
        exc.field = name
    return exc


def _parse(fields: dict[str, Any]) -> ConvClickIdIn:
    try:
        return ConvClickIdIn.model_validate(fields)
    except ValidationError as exc:
        field, message, errors = describe_validation_error(RequestValidationError(exc.errors()))
        raise ValidationFailed(message, field=field, errors=errors) from None


def _request_body_schema() -> dict[str, Any]:
    schema = ConvClickIdIn.model_json_schema()
    return {
        "required": False,  # the fields may all come in the query string
        "content": {media: {"schema": schema} for media in ACCEPTED_TYPES},
    }


@router.post(
    "/api/v2/network/tracking/conv-click-id",
    openapi_extra={"requestBody": _request_body_schema()},
)
async def conv_click_id(request: Request, session: WriteSession, _: ScaleoCaller) -> JSONResponse:
    """Create a conversion for a click (Scaleo's conversion by click ID). The fields come as
    a JSON object, a form (urlencoded or multipart) or the query string."""
    body = _parse(await read_fields(request))
    try:
        geo = _geo(request, body.ip) if body.ip else None
        draft = draft_from(body, await _network_zone_id(session), geo)
        recorded = await record(session, draft)
    except ClicktrailError as exc:
        raise _rename(exc) from exc
    c = recorded.conversion
    goal_id = await offers.entry_id_of_event(session, c.network_offer_id, c.event_id)
    status, payload = envelope(recorded, goal_id or body.goal_id or 0)
    return JSONResponse(payload, status_code=status)
