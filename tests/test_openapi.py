"""The OpenAPI document tells the truth: every operation has a typed success body and its
error codes in its surface's dialect, and real answers (both engines) match what it says."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import jsonschema_rs
import pytest
from pydantic import BaseModel

from clicktrail.app import create_api
from clicktrail.config import Settings
from clicktrail.db import Database
from clicktrail.dialects import dialect_for_path
from clicktrail.kit.timeutil import utcnow
from clicktrail.openapi.document import _register
from clicktrail.openapi.operations import APP_WIDE, OPERATIONS
from clicktrail.state import AppState
from tests.fixtures.factories import make_affiliate, make_click, make_key, make_offer

PUBLIC = ("/healthz", "/readyz", "/v1/meta/")
ERROR_SCHEMA = {"everflow": "EverflowError", "scaleo": "ScaleoError", "affonso": "AffonsoError"}
REF = "#/components/schemas/"


@pytest.fixture(scope="module")
def doc() -> dict[str, Any]:
    return create_api(AppState(Settings(log_level="WARNING"))).openapi()


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in doc["paths"].items()
        for method, operation in item.items()
    ]


def _component(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    component: dict[str, Any] = doc["components"]["schemas"][schema["$ref"].removeprefix(REF)]
    return component


def test_every_operation_has_exactly_one_declaration(doc: dict[str, Any]) -> None:
    served = {f"{method} {path}" for method, path, _ in _operations(doc)}
    assert served - set(OPERATIONS) == set(), "operations without a line in OPERATIONS"
    assert set(OPERATIONS) - served == set(), "lines in OPERATIONS for no operation"


def test_every_success_body_is_a_typed_object(doc: dict[str, Any]) -> None:
    for method, path, operation in _operations(doc):
        successes = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
        assert successes, f"{method} {path} documents no success"
        for code, response in successes.items():
            for media, content in response["content"].items():
                if media != "application/json":
                    assert content["schema"] == {"type": "string"}  # a streamed file
                    continue
                schema = _component(doc, content["schema"])
                assert schema["type"] == "object", f"{method} {path} {code}"
                assert schema["properties"], f"{method} {path} {code} has no fields"
                assert schema["required"], f"{method} {path} {code} requires nothing"


def test_every_error_is_in_the_dialect_of_its_path(doc: dict[str, Any]) -> None:
    for method, path, operation in _operations(doc):
        dialect = dialect_for_path(path)
        success = OPERATIONS[f"{method} {path}"].success  # /readyz documents its 503 body
        errors = {c: r for c, r in operation["responses"].items() if int(c) not in success}
        errors = {c: r for c, r in errors.items() if int(c) >= 400}
        for code, response in errors.items():
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": REF + ERROR_SCHEMA[dialect]}, f"{method} {path} {code}"


def test_app_wide_and_key_codes_are_documented_everywhere(doc: dict[str, Any]) -> None:
    for method, path, operation in _operations(doc):
        codes = {int(c) for c in operation["responses"]}
        assert set(APP_WIDE) <= codes, f"{method} {path}"
        keyed = not path.startswith(PUBLIC)
        assert ({401, 403} <= codes) == keyed, f"{method} {path}"
        assert "Retry-After" in operation["responses"]["429"]["headers"]


def test_only_scaleo_documents_422(doc: dict[str, Any]) -> None:
    for method, path, operation in _operations(doc):
        codes = set(operation["responses"])
        if dialect_for_path(path) == "scaleo":
            assert "422" in codes, f"{method} {path}"
            assert not codes & {"400", "404"}, f"{method} {path}"
        else:
            assert "422" not in codes, f"{method} {path}"
    assert "HTTPValidationError" not in doc["components"]["schemas"]


def test_error_schemas_hold_each_dialects_fields(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    assert set(schemas["EverflowError"]["required"]) == {"Error", "error"}
    assert set(schemas["ScaleoError"]["required"]) == {"status", "code", "name", "message", "info"}
    assert set(schemas["AffonsoError"]["required"]) == {"success", "error"}


def test_seed_fields_are_typed(doc: dict[str, Any]) -> None:
    schemas = doc["components"]["schemas"]
    click = schemas["AffiliateClick"]["properties"]
    assert click["unix_timestamp"]["type"] == "integer"
    assert click["revenue"]["type"] == "number"
    pixel_row = schemas["PixelReportRow"]["properties"]
    assert pixel_row["is_success"]["type"] == "boolean"
    assert pixel_row["failed_attempts"]["type"] == "integer"
    network_conversion = schemas["NetworkConversion"]
    assert {"revenue", "payout", "conversion_id"} <= set(network_conversion["required"])
    assert "revenue" not in schemas["AffiliateConversion"]["properties"]


def test_two_schemas_of_one_name_are_refused() -> None:
    class Paging(BaseModel):
        cursor: str

    with pytest.raises(ValueError, match="Paging"):
        _register({"Paging": {"type": "object"}}, [Paging])


# --- real answers against the served document, on both engines ------------------------------


def _template(doc: dict[str, Any], method: str, url: str) -> dict[str, Any]:
    """The operation whose path template matches ``url`` (literal segments first)."""
    parts = url.split("?")[0].strip("/").split("/")
    for path in sorted(doc["paths"], key=lambda p: p.count("{")):
        template = path.strip("/").split("/")
        item = doc["paths"][path]
        if (
            len(template) == len(parts)
            and method.lower() in item
            and all(t == p or t.startswith("{") for t, p in zip(template, parts, strict=True))
        ):
            operation: dict[str, Any] = item[method.lower()]
            return operation
    raise AssertionError(f"{method} {url} is not documented")


def _assert_documented(doc: dict[str, Any], response: httpx.Response) -> None:
    request = response.request
    operation = _template(doc, request.method, str(request.url.raw_path, "ascii"))
    answer = operation["responses"].get(str(response.status_code))
    assert answer is not None, f"{request.method} {request.url} -> {response.status_code}"
    schema = {"components": doc["components"], **answer["content"]["application/json"]["schema"]}
    errors = [e.message for e in jsonschema_rs.validator_for(schema).iter_errors(response.json())]
    assert errors == [], f"{request.method} {request.url}: {errors[:3]}"


async def test_real_answers_match_the_served_document(
    client: httpx.AsyncClient, db: Database, network_headers: dict[str, str]
) -> None:
    doc = (await client.get("/openapi.json")).json()
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    click = await make_click(db, offer, affiliate)
    affiliate_key = await make_key(db, "affiliate", affiliate.network_affiliate_id)
    affiliate_headers = {"X-Eflow-API-Key": affiliate_key}
    today = utcnow().date()
    window: dict[str, Any] = {"from": str(today - timedelta(days=7)), "timezone_id": 67}
    window["to"] = str(today + timedelta(days=1))
    bearer = {"Authorization": f"Bearer {network_headers['X-Eflow-API-Key']}"}
    answers = [
        await client.get(f"/v1/networks/offers/{offer.network_offer_id}", headers=network_headers),
        await client.get("/v1/networks/offers", headers=network_headers),
        await client.get("/v1/networks/offers/999999", headers=network_headers),
        await client.get("/v1/networks/offers/x", headers=network_headers),
        await client.get("/v1/networks/offers/1"),
        await client.get("/v1/networks/offers/1", headers=affiliate_headers),
        await client.get(
            f"/v1/affiliates/reporting/clicks/{click.transaction_id}", headers=affiliate_headers
        ),
        await client.get(
            f"/v1/networks/reporting/clicks/{click.transaction_id}", headers=network_headers
        ),
        await client.post(
            "/v1/networks/reporting/entity/table",
            json={**window, "columns": [{"column": "offer"}]},
            headers=network_headers,
        ),
        await client.post(
            "/v1/networks/conversions/reporting",
            json={
                "offer_id": offer.network_offer_id,
                "affiliate_id": affiliate.network_affiliate_id,
                "event_id": 0,
                "timezone_id": 67,
                "is_now": True,
                "number_of_conversions": 1,
            },
            headers=network_headers,
        ),
        await client.post(
            "/v1/networks/reporting/conversions", json=window, headers=network_headers
        ),
        await client.get("/v1/meta/currencies"),
        await client.post(
            "/api/v2/network/tracking/conv-click-id",
            params={"api-key": network_headers["X-Eflow-API-Key"]},
            json={"click_id": click.transaction_id, "amount": 10},
        ),
        await client.post(
            "/api/v2/network/tracking/conv-click-id",
            params={"api-key": network_headers["X-Eflow-API-Key"]},
            json={"click_id": "f" * 32},
        ),
        await client.post("/v1/program/groups", json={"name": "Partners"}, headers=bearer),
        await client.get("/v1/program/groups/123456", headers=bearer),
        await client.get("/v1/program/groups"),
    ]
    codes = [response.status_code for response in answers]
    assert codes[:6] == [200, 200, 404, 400, 401, 403]
    assert codes[6:13] == [200] * 7
    assert codes[13:] == [422, 201, 404, 401]
    for response in answers:
        _assert_documented(doc, response)


async def test_an_undecodable_body_is_invalid_input_in_every_dialect(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    doc = (await client.get("/openapi.json")).json()
    key = network_headers["X-Eflow-API-Key"]
    headers = {**network_headers, "Authorization": f"Bearer {key}"}
    headers["Content-Type"] = "application/json"
    undecodable = b"\xff\xfe\x14"
    everflow = await client.post("/v1/networks/offers", content=undecodable, headers=headers)
    scaleo = await client.post(
        f"/api/v2/network/tracking/conv-click-id?api-key={key}",
        content=undecodable,
        headers=headers,
    )
    affonso = await client.post("/v1/conversions", content=undecodable, headers=headers)
    assert (everflow.status_code, scaleo.status_code, affonso.status_code) == (400, 422, 400)
    assert everflow.json()["Error"].startswith("body: ")
    assert list(scaleo.json()["info"]["errors"]) == ["body"]
    assert affonso.json()["error"]["code"] == "VALIDATION_ERROR"
    assert affonso.json()["error"]["field"] == "body"
    for response in (everflow, scaleo, affonso):
        _assert_documented(doc, response)


async def test_the_rate_import_documents_its_csv_body_and_answer(
    client: httpx.AsyncClient, network_headers: dict[str, str]
) -> None:
    doc = (await client.get("/openapi.json")).json()
    operation = doc["paths"]["/v1/exchange-rates/import"]["post"]
    assert operation["requestBody"]["content"] == {"text/csv": {"schema": {"type": "string"}}}
    headers = {
        "Authorization": f"Bearer {network_headers['X-Eflow-API-Key']}",
        "Content-Type": "text/csv",
    }
    csv_body = "currency,rate,date\nEUR,1.08,2025-01-02\n"
    imported = await client.post("/v1/exchange-rates/import", content=csv_body, headers=headers)
    refused = await client.post("/v1/exchange-rates/import", content="nonsense", headers=headers)
    assert (imported.status_code, refused.status_code) == (200, 400)
    assert imported.json()["imported"] == 1
    _assert_documented(doc, imported)
    _assert_documented(doc, refused)
