"""Build the OpenAPI document: FastAPI's, with each operation's real answers.

FastAPI documents every operation as ``200`` with an untyped object plus a ``422`` the app
never sends. This replaces each declared operation's responses with its typed success
bodies and its error codes (its own from ``OPERATIONS`` plus ``APP_WIDE``), each error in
the dialect of the operation's path, and drops components nothing refers to any more.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from clicktrail.dialects import Dialect, dialect_for_path
from clicktrail.openapi.errors import ERROR_MODELS
from clicktrail.openapi.operations import APP_WIDE, OPERATIONS, Operation

REF = "#/components/schemas/"

ERROR_TEXT: dict[int, str] = {
    400: "Invalid input; the message names the field.",
    401: "No API key, or an unknown one.",
    403: "The key's realm may not use this operation.",
    404: "No such entity (or not the caller's).",
    409: "Conflicts with what is stored (a replay that disagrees, an identifier in use).",
    413: "The request body is larger than the configured limit.",
    415: "The body's content type is not accepted.",
    422: "Invalid input or an unknown entity; info.errors names the fields.",
    429: "Too many requests; Retry-After says when to try again.",
    500: "Unexpected error: a generic message; the log has the details.",
}
#: Scaleo answers invalid input and unknown entities alike with 422.
SCALEO_CODES: dict[int, int] = {400: 422, 404: 422}


def install(api: FastAPI) -> None:
    """Serve the built document as ``/openapi.json`` (built once, on first use)."""

    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            api.openapi_schema = build(api)
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]


def build(api: FastAPI) -> dict[str, Any]:
    doc = get_openapi(
        title=api.title,
        version=api.version,
        description=api.description,
        routes=api.routes,
        tags=api.openapi_tags,
    )
    schemas: dict[str, Any] = doc.setdefault("components", {}).setdefault("schemas", {})
    refs = _register(schemas, _models())
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            spec = OPERATIONS.get(f"{method.upper()} {path}")
            if spec is not None:
                if "{" in path:  # a path id that is not plain ASCII digits (kit.ids)
                    spec = replace(spec, errors=(*spec.errors, 400))
                operation["responses"] = responses(spec, dialect_for_path(path), refs)
                if spec.accepts:
                    operation.setdefault("requestBody", _raw_body(spec.accepts))
    _drop_unreferenced(doc)
    return doc


def error_codes(spec: Operation, dialect: Dialect) -> list[int]:
    """The operation's error codes in its dialect, app-wide ones included, ascending."""
    codes = {*spec.errors, *APP_WIDE}
    if dialect == "scaleo":
        codes = {SCALEO_CODES.get(code, code) for code in codes}
    return sorted(codes)


def responses(
    spec: Operation, dialect: Dialect, refs: dict[type[BaseModel], str]
) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for status, model in sorted(spec.success.items()):
        answers[str(status)] = {
            "description": HTTPStatus(status).phrase,
            "content": {"application/json": {"schema": {"$ref": refs[model]}}},
        }
    if spec.files:
        answers["200"] = {
            "description": "The file, streamed.",
            "content": {media: {"schema": {"type": "string"}} for media in spec.files},
        }
    error_ref = refs[ERROR_MODELS[dialect]]
    for code in error_codes(spec, dialect):
        answer: dict[str, Any] = {
            "description": ERROR_TEXT.get(code, HTTPStatus(code).phrase),
            "content": {"application/json": {"schema": {"$ref": error_ref}}},
        }
        headers = _headers(code, dialect)
        if headers:
            answer["headers"] = headers
        answers[str(code)] = answer
    return answers


def _raw_body(media_types: tuple[str, ...]) -> dict[str, Any]:
    content = {media: {"schema": {"type": "string"}} for media in media_types}
    return {"required": True, "content": content}


def _headers(code: int, dialect: Dialect) -> dict[str, Any]:
    if code == 429:
        text = "Seconds to wait before trying again."
        return {"Retry-After": {"description": text, "schema": {"type": "integer"}}}
    if code == 401 and dialect == "affonso":
        return {"WWW-Authenticate": {"description": "Bearer", "schema": {"type": "string"}}}
    return {}


def _models() -> list[type[BaseModel]]:
    found: dict[type[BaseModel], None] = dict.fromkeys(ERROR_MODELS.values())
    for spec in OPERATIONS.values():
        found.update(dict.fromkeys(spec.success.values()))
    return list(found)


def _register(schemas: dict[str, Any], models: list[type[BaseModel]]) -> dict[type[BaseModel], str]:
    """Add the models' JSON schemas to the components; a name taken by another schema fails."""
    keys, top = models_json_schema(
        [(model, "serialization") for model in models], ref_template=REF + "{model}"
    )
    for name, schema in top.get("$defs", {}).items():
        if schemas.setdefault(name, schema) != schema:
            raise ValueError(f"two OpenAPI schemas are named {name}")
    return {model: keys[(model, "serialization")]["$ref"] for model in models}


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str) and value.startswith(REF):
                yield value.removeprefix(REF)
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _drop_unreferenced(doc: dict[str, Any]) -> None:
    """Remove components no path reaches (FastAPI's validation-error schemas, for one)."""
    schemas: dict[str, Any] = doc["components"]["schemas"]
    reached: set[str] = set()
    pending: Iterable[str] = list(_refs(doc["paths"]))
    while pending:
        fresh = {name for name in pending if name not in reached}
        reached |= fresh
        pending = [ref for name in fresh for ref in _refs(schemas.get(name, {}))]
    for name in list(schemas):
        if name not in reached:
            del schemas[name]
