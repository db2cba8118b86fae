"""The JavaScript SDK's conversion (``EF.conversion`` -> ``GET /sdk/conversion``).

The tracking host (clicktrail/tracking/sdk.py) checks the offer, finds the transaction id
(the call's own, else the tracking host's cookie) and hands the parameters here. They are the
advertiser postback's (``oid``, ``transaction_id``, ``amount``, ``event_id``,
``adv_event_id``, ``adv1``..``adv5``, ``order_id``, ``coupon_code``, ``email``,
``verification_token``; anything else is kept in ``conversion.attributes``), so the same
draft goes through the same writer and conversion service: refusals, caps, dedupe,
throttles and affiliate postbacks all apply, and the answer comes after the commit.

CONTRACT: ``record_sdk_conversion(scope, params, cap, address)`` returns the status and the
JSON body to answer: ``200`` with ``conversion_id``, ``transaction_id``, ``status``,
``error_code``, ``error_message`` (a refused conversion too, as for the postback); ``400``
``{"Error", "error", "field"}`` for input that cannot be recorded (nothing written); ``503``
while the writer is not running.
"""

from __future__ import annotations

from typing import Any

from starlette.types import Scope

from clicktrail.conversion.postback_endpoint import (
    _DEFAULT_LIMIT,
    _LIMITS,
    _UNKNOWN_CODES,
    _WIRE_NAMES,
    BadParameter,
    UnknownCap,
    _writer,
    draft_from,
)
from clicktrail.conversion.writer import WriterStopped
from clicktrail.errors import ClicktrailError

#: Parameters of the SDK call that only choose the click (not kept on the conversion).
_ROUTING = ("aid",)


def sdk_error(field: str, message: str, status: int = 400) -> tuple[int, dict[str, Any]]:
    """The SDK endpoints' error: Everflow's ``Error``/``error`` pair, naming the field."""
    text = f"{field}: {message}" if field else message
    return status, {"Error": text, "error": text, "field": field}


def _checked(params: dict[str, str]) -> dict[str, str]:
    for name, value in params.items():
        limit = _LIMITS.get(name, _DEFAULT_LIMIT)
        if len(value) > limit:
            raise BadParameter(name, f"is longer than {limit} characters")
        if "\x00" in value:
            raise BadParameter(name, "must not contain NUL characters")
    return {k: v for k, v in params.items() if k not in _ROUTING}


async def record_sdk_conversion(
    scope: Scope, params: dict[str, str], cap: UnknownCap | None = None, address: str = ""
) -> tuple[int, dict[str, Any]]:
    try:
        draft = draft_from(_checked(params))
    except BadParameter as exc:
        return sdk_error(exc.field, exc.message)
    draft.source = "sdk"
    writer = _writer(scope)
    if writer is None:
        return sdk_error("conversion", "the conversion writer is not running", 503)
    if cap is not None and cap.blocked(address):
        draft.store_unknown_click = False
    try:
        receipt = await writer.record(draft)
    except WriterStopped:
        return sdk_error("conversion", "the conversion writer is not running", 503)
    except ClicktrailError as exc:
        field = _WIRE_NAMES.get(exc.field or "", exc.field or "query")
        return sdk_error(field, exc.message.removeprefix(f"{exc.field} "), exc.status_code)
    if cap is not None and draft.store_unknown_click and receipt.error_code in _UNKNOWN_CODES:
        await cap.admit(address)
    return 200, {
        "conversion_id": receipt.conversion_id,
        "transaction_id": receipt.transaction_id or draft.transaction_id,
        "status": receipt.status,
        "error_code": receipt.error_code,
        "error_message": receipt.error_message,
    }
