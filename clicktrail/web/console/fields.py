"""Reading the console's forms: bounded text fields, optional ids, and errors per field."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from clicktrail.errors import ClicktrailError, ValidationFailed
from clicktrail.kit.wire import MAX_INT32

#: Longer values are cut before any rule sees them (a rule then names the field).
MAX_FIELD = 8192


def form_text(form: Mapping[str, Any], name: str, limit: int = MAX_FIELD) -> str:
    """A form field as text (a file upload or a missing field reads as ""), bounded."""
    value = form.get(name)
    return value[:limit] if isinstance(value, str) else ""


def optional_id(text: str, name: str) -> int | None:
    """An optional positive id typed into a form; a 400 naming ``name`` otherwise."""
    text = text.strip()
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or len(text) > 10 or not 1 <= int(text) <= MAX_INT32:
        raise ValidationFailed(f"{name} must be a positive whole number", field=name)
    return int(text)


def _pydantic_message(error: Mapping[str, Any]) -> str:
    message = str(error.get("msg", "is not valid"))
    return message.removeprefix("Value error, ")


def field_errors(exc: Exception, default_field: str = "") -> dict[str, str]:
    """``{field: message}`` for a pydantic or clicktrail error, to show beside each field."""
    if isinstance(exc, ValidationError):
        errors: dict[str, str] = {}
        for error in exc.errors():
            location = error.get("loc") or (default_field,)
            errors.setdefault(str(location[0]), _pydantic_message(error))
        return errors
    if isinstance(exc, ClicktrailError):
        return {exc.field or default_field: exc.message}
    raise exc
