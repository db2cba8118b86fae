"""The advertiser server postback on the tracking host: ``GET|POST /?nid=1&transaction_id=…``.

Everflow's documented parameters: ``nid``, ``transaction_id``, ``amount`` (the sale amount),
``event_id`` or ``adv_event_id`` (an event by id, or by the alias the offer gives it),
``adv1``..``adv5``, ``order_id``, ``coupon_code``, ``email``, ``verification_token``; ``oid``
optionally names the offer (checked against the click's). Without a transaction id, a
``coupon_code`` credits the code's affiliate (conversion/coupons.py, ADR 0104), and ``oid``
and ``affid`` ask for a view-through conversion: credited to the affiliate's latest
impression of the offer when the offer allows it (clicktrail/conversion/viewthrough.py).
Every other parameter is kept in ``conversion.attributes``. A POST may carry them in a form
or JSON body too (the query string wins on a clash).

Answers, once the conversion is committed (group commit, see ``writer.py``):
- ``200`` ``{"conversion_id", "transaction_id", "status", "error_code", "error_message"}``,
  also for a refused conversion: like Everflow, the postback was received and recorded,
  and the refusal is visible in the conversion report (status rejected/invalid + code).
- ``400`` ``{"error": …, "field": …}`` for input that cannot be recorded (an amount
  outside ``kit.money``'s bound or not plain ASCII decimal, a non-numeric event_id, an
  over-long value, a price over the bound); nothing is written.
- ``404`` plain text for ``/`` without ``nid`` or ``transaction_id`` (not a postback).
- ``503`` while the process starts or stops (the advertiser retries).

Any other method (``HEAD`` included: it must not record a conversion) is ``405`` with
``Allow: GET, POST`` (docs/adr/0065-head-writes-nothing.md).

CONTRACT: the tracking app calls ``advertiser_postback(scope, receive, send)`` (plain ASGI,
no framework objects on this hot path) for GET and POST on ``/``. The writer is found
through ``scope["app"].state.ct`` when the host is a Starlette app holding the
``AppState`` there, else it is the process's running writer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple, Protocol, cast
from urllib.parse import parse_qsl

import orjson
import structlog
from starlette.types import Receive, Scope, Send

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import UNKNOWN_CLICK
from clicktrail.conversion.writer import DraftRecorder, WriterStopped, running_writer
from clicktrail.errors import ClicktrailError
from clicktrail.kit.asgi import respond
from clicktrail.kit.money import parse_money

log = structlog.get_logger("clicktrail.conversion.postback")

WRITER = "conversion_writer"
_KNOWN = frozenset(
    {
        "nid",
        "transaction_id",
        "amount",
        "event_id",
        "adv_event_id",
        "adv1",
        "adv2",
        "adv3",
        "adv4",
        "adv5",
        "order_id",
        "coupon_code",
        "email",
        "verification_token",
        "oid",
        "affid",
    }
)
#: Longest value kept per parameter (the column sizes); longer is a 400.
_LIMITS = {"order_id": 255, "coupon_code": 255, "email": 255, "verification_token": 255}
_DEFAULT_LIMIT = 4096
#: Service field names as this postback calls them, for error answers.
_WIRE_NAMES = {"sale_amount": "amount"}
_MAX_EXTRA = 50
_JSON = "application/json"
_MAX_BODY = 65536
_UNKNOWN_CODES = frozenset(int(reason) for reason in UNKNOWN_CLICK)


class BadParameter(ValueError):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class _Answer(NamedTuple):
    """A complete response: status, body and content type."""

    status: int
    body: bytes
    content_type: bytes


_NOT_FOUND = _Answer(404, b"Not Found", b"text/plain; charset=utf-8")
_METHODS = ("GET", "POST")


def _json(body: dict[str, Any], status: int = 200) -> _Answer:
    return _Answer(status, orjson.dumps(body), b"application/json")


def _error(field: str, message: str, status: int = 400) -> _Answer:
    return _json({"error": f"{field} {message}", "field": field}, status)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return ""


async def _body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > _MAX_BODY:
            raise BadParameter("body", f"is larger than {_MAX_BODY} bytes")
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _query(scope: Scope) -> dict[str, str]:
    """The query string's parameters (the last of a repeated name wins)."""
    raw: bytes = scope.get("query_string", b"")
    return dict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True)) if raw else {}


async def _params(scope: Scope, receive: Receive, query: dict[str, str]) -> dict[str, str]:
    params: dict[str, str] = {}
    length = _header(scope, b"content-length")
    if length.isdigit() and int(length) > _MAX_BODY:
        raise BadParameter("body", f"is larger than {_MAX_BODY} bytes")
    if scope["method"] == "POST":
        kind = _header(scope, b"content-type").split(";")[0].strip().lower()
        if kind == _JSON:
            try:
                body = orjson.loads(await _body(receive) or b"{}")
            except orjson.JSONDecodeError as exc:
                raise BadParameter("body", "is not valid JSON") from exc
            if not isinstance(body, dict):
                raise BadParameter("body", "must be a JSON object")
            params.update({str(k): "" if v is None else str(v) for k, v in body.items()})
        elif kind == "application/x-www-form-urlencoded":
            text = (await _body(receive)).decode("utf-8", errors="replace")
            params.update(parse_qsl(text, keep_blank_values=True))
    params.update(query)
    for name, value in params.items():
        limit = _LIMITS.get(name, _DEFAULT_LIMIT)
        if len(value) > limit:
            raise BadParameter(name, f"is longer than {limit} characters")
        if "\x00" in value:
            raise BadParameter(name, "must not contain NUL characters")
    return params


def _int(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise BadParameter(name, "must be a non-negative integer")
    return int(raw)


def _amount(params: dict[str, str]) -> Decimal | None:
    raw = params.get("amount", "").strip()
    if not raw:
        return None
    try:
        return parse_money(raw)
    except ValueError as exc:
        raise BadParameter("amount", str(exc)) from exc


def _view_through(params: dict[str, str]) -> bool:
    """A postback without a transaction id that names the offer and the affiliate: a
    view-through conversion (ADR 0103)."""
    return bool(params.get("oid", "").strip() and params.get("affid", "").strip())


def draft_from(params: dict[str, str]) -> ConversionDraft:
    """The conversion draft an advertiser postback's parameters describe."""
    nid = _int(params, "nid")
    extras = {k: v for k, v in params.items() if k not in _KNOWN}
    if len(extras) > _MAX_EXTRA:
        raise BadParameter("query", f"has more than {_MAX_EXTRA} unknown parameters")
    alias = params.get("adv_event_id", "").strip()
    transaction_id = params.get("transaction_id", "").strip().lower()
    affiliate_id = _int(params, "affid")
    return ConversionDraft(
        source="postback",
        network_id=1 if nid is None else nid,
        transaction_id=transaction_id or None,
        offer_id=_int(params, "oid"),
        affiliate_id=affiliate_id,
        # A coupon code credits its own affiliate (ADR 0104) before any impression could.
        view_through=not transaction_id and not params.get("coupon_code", "").strip(),
        event_id=_int(params, "event_id"),
        event_alias=alias or None,
        sale_amount=_amount(params),
        order_id=params.get("order_id", ""),
        coupon_code=params.get("coupon_code", "").strip(),
        email=params.get("email", ""),
        adv1=params.get("adv1", ""),
        adv2=params.get("adv2", ""),
        adv3=params.get("adv3", ""),
        adv4=params.get("adv4", ""),
        adv5=params.get("adv5", ""),
        verification_token=params.get("verification_token", ""),
        attributes=extras or None,
        strict=False,
    )


def _writer(scope: Scope) -> DraftRecorder | None:
    """The writer of the app serving the request (``scope["app"].state.ct``), else the
    process's running writer (the tracking host calls us with a bare ASGI scope)."""
    app = scope.get("app")
    state = getattr(getattr(app, "state", None), "ct", None)
    components: dict[str, Any] = getattr(state, "components", {}) if state is not None else {}
    writer = components.get(WRITER)
    if writer is not None:
        return cast(DraftRecorder, writer)
    return running_writer()


class UnknownCap(Protocol):
    """A per-sender cap on stored postbacks whose transaction id names no click
    (clicktrail.abuse.limiter.AddressCap)."""

    def blocked(self, address: str) -> bool: ...

    async def admit(self, address: str) -> Any: ...


async def advertiser_postback(
    scope: Scope,
    receive: Receive,
    send: Send,
    cap: UnknownCap | None = None,
    address: str = "",
) -> None:
    """Answer one postback. With ``cap``, a sender (``address``) over it still gets the usual
    answer for an unknown transaction id, but nothing is stored for it."""
    if scope["method"] not in _METHODS:
        headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"allow", b"GET, POST")]
        await respond(send, 405, headers, b"Method Not Allowed")
        return
    answer = await _answer(scope, receive, cap, address)
    await respond(send, answer.status, [(b"content-type", answer.content_type)], answer.body)


async def _answer(scope: Scope, receive: Receive, cap: UnknownCap | None, address: str) -> _Answer:
    query = _query(scope)
    if scope["method"] == "GET" and "nid" not in query and "transaction_id" not in query:
        return _NOT_FOUND
    try:
        params = await _params(scope, receive, query)
        if "nid" not in params and "transaction_id" not in params:
            return _NOT_FOUND
        if (
            not params.get("transaction_id", "").strip()
            and not params.get("coupon_code", "").strip()
            and not _view_through(params)
        ):
            raise BadParameter("transaction_id", "is required (or a coupon_code)")
        draft = draft_from(params)
    except BadParameter as exc:
        return _error(exc.field, exc.message)
    writer = _writer(scope)
    if writer is None:
        return _json({"error": "conversion writer is not running"}, 503)
    if cap is not None and cap.blocked(address):
        draft.store_unknown_click = False
    try:
        receipt = await writer.record(draft)
    except WriterStopped:
        return _json({"error": "conversion writer is not running"}, 503)
    except ClicktrailError as exc:
        field = _WIRE_NAMES.get(exc.field or "", exc.field or "query")
        return _error(field, exc.message.removeprefix(f"{exc.field} "), exc.status_code)
    if cap is not None and draft.store_unknown_click and receipt.error_code in _UNKNOWN_CODES:
        await cap.admit(address)
    return _json(
        {
            "conversion_id": receipt.conversion_id,
            "transaction_id": receipt.transaction_id or draft.transaction_id,
            "status": receipt.status,
            "error_code": receipt.error_code,
            "error_message": receipt.error_message,
        }
    )
