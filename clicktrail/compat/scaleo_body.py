"""The fields of a Scaleo request, in whichever encoding Scaleo's clients send them.

Scaleo's API takes its parameters as a JSON object, as an HTML form
(``application/x-www-form-urlencoded`` or ``multipart/form-data``) or in the query string, as
a PHP server does. The query string is read first; a body's fields win over it. In forms and
the query string an empty value counts as absent. ``api-key`` is never a field.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from clicktrail.errors import ClicktrailError, ValidationFailed

JSON_TYPE = "application/json"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Content types a body may have, for the OpenAPI document and the 415 message.
ACCEPTED_TYPES = (JSON_TYPE, *FORM_TYPES)


class MalformedBody(ValidationFailed):
    """Invalid JSON or a body that is not an object: invalid input naming ``body``, which
    Scaleo answers 422 like every invalid field."""


class UnsupportedMediaType(ClicktrailError):
    status_code = 415
    code = "UNSUPPORTED_MEDIA_TYPE"


def _media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _text_fields(items: list[tuple[str, Any]]) -> dict[str, Any]:
    """First value of each name; a file where text belongs is refused, naming the field."""
    fields: dict[str, Any] = {}
    for name, value in items:
        if name == "api-key" or name in fields:
            continue
        if isinstance(value, UploadFile):
            raise ValidationFailed(f"{name} must be text, not a file", field=name)
        if value != "":
            fields[name] = value
    return fields


def _json_fields(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedBody("Invalid JSON in the request body", field="body") from exc
    if not isinstance(data, dict):
        raise MalformedBody("The request body must be a JSON object", field="body")
    return data


async def read_fields(request: Request) -> dict[str, Any]:
    """Query-string fields overlaid with the body's (JSON or form)."""
    fields = _text_fields(list(request.query_params.multi_items()))
    media = _media_type(request)
    raw = await request.body()
    if media in FORM_TYPES:
        form = await request.form()
        fields.update(_text_fields(list(form.multi_items())))
        return fields
    if not raw.strip():
        return fields
    if media in ("", JSON_TYPE) or media.endswith("+json"):
        fields.update(_json_fields(raw))
        return fields
    raise UnsupportedMediaType(
        f"Content-Type {media} is not accepted; send {', '.join(ACCEPTED_TYPES)}"
        " or the query string"
    )
