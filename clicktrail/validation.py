"""Turn pydantic's request validation errors into one field name and one reason; read the
wire's optional ``YYYY-MM-DD`` dates."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi.exceptions import RequestValidationError

from clicktrail.errors import ValidationFailed

_SECTIONS = {"body", "query", "path", "header"}
_NOT_AN_OBJECT = {"model_attributes_type", "dict_type", "model_type"}


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc if str(p) not in _SECTIONS]
    return ".".join(parts) or "body"


def _reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "json_invalid":
        return "malformed JSON"
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a known field"
    message = str(error.get("msg", "is invalid"))
    if kind == "value_error" and message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return message[0].lower() + message[1:] if message else "is invalid"


def describe_validation_error(
    exc: RequestValidationError,
) -> tuple[str, str, dict[str, str]]:
    """(first field, a message naming it, every field -> reason)."""
    errors: dict[str, str] = {}
    for error in exc.errors():
        field = _field(error.get("loc", ()))
        reason = _reason(error)
        if error.get("type") == "json_invalid":
            field = "body"
        elif field == "body" and error.get("type") in _NOT_AN_OBJECT:
            reason = "expected a JSON object (Content-Type: application/json)"
        errors.setdefault(field, reason)
    if not errors:
        return "body", "invalid request", {"body": "invalid request"}
    field, reason = next(iter(errors.items()))
    return field, f"{field} {reason}" if field != "body" else f"body: {reason}", errors


def optional_day(value: str, field: str) -> date | None:
    """An optional ``YYYY-MM-DD`` field: None when empty, else the date or a 400 naming it."""
    if not value:
        return None
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed(f"{field} must be a YYYY-MM-DD date", field=field) from None
