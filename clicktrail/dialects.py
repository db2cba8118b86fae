"""Error rendering per API surface. Services raise ``ClicktrailError``; this module turns it
into the body each vendor's clients expect.

- everflow (/v1/networks, /v1/affiliates, /v1/meta): {"Error": msg, "error": msg}
- scaleo (/api/v2/): {status, code, name, message, info}; validation errors are 422 with
  ``info.errors: {field: [reason, ...]}`` as Scaleo documents
- affonso (AFFONSO_PREFIXES): {"success": false, "error": {code, message, field}}
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, Literal

from starlette.responses import JSONResponse

from clicktrail.errors import ClicktrailError, NotFound, ValidationFailed

Dialect = Literal["everflow", "scaleo", "affonso"]

#: Affonso-compatible endpoints share the /v1 root with Everflow's, so they are listed.
AFFONSO_PREFIXES: tuple[str, ...] = (
    "/v1/clicks",
    "/v1/signups",
    "/v1/conversions",
    "/v1/referrals",
    "/v1/customers",
    "/v1/incentives",
    "/v1/exchange-rates",
    "/v1/program/",
    "/v1/affiliate-codes",
)


def dialect_for_path(path: str) -> Dialect:
    if path.startswith("/api/"):
        return "scaleo"
    if path.startswith(AFFONSO_PREFIXES):
        return "affonso"
    return "everflow"


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def render(dialect: Dialect, exc: ClicktrailError) -> JSONResponse:
    status = exc.status_code
    if dialect == "scaleo":
        info: dict[str, Any] = {}
        if isinstance(exc, ValidationFailed | NotFound):
            status = 422
            errors = exc.errors if isinstance(exc, ValidationFailed) else {}
            if not errors and exc.field:
                errors = {exc.field: exc.message}
            # Scaleo lists each failing field's reasons as an array of strings.
            info["errors"] = {name: [reason] for name, reason in errors.items()}
        body: dict[str, Any] = {
            "status": "error",
            "code": status,
            "name": _reason(status),
            "message": exc.message,
            "info": info,
        }
    elif dialect == "affonso":
        body = {
            "success": False,
            "error": {"code": exc.code, "message": exc.message, "field": exc.field},
        }
    else:
        message = exc.message
        if exc.field and exc.field not in message:
            message = f"{exc.field}: {message}"
        body = {"Error": message, "error": message}
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 and dialect == "affonso" else None
    return JSONResponse(body, status_code=status, headers=headers)
