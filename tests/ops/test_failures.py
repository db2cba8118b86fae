"""An unexpected failure answers a generic 500 in the dialect with a request id, and the log
carries the id and the exception (issue 14, item 9)."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI
from starlette.types import Receive, Scope, Send
from structlog.testing import capture_logs

from clicktrail.app import ClicktrailApp
from clicktrail.ops.failures import ApiBoundary, TrackingBoundary

SECRET = "value out of int64 range (driver text)"


def _fastapi(app: ClicktrailApp) -> FastAPI:
    boundary = app.api
    assert isinstance(boundary, ApiBoundary)
    api = boundary.app.app  # type: ignore[attr-defined]
    assert isinstance(api, FastAPI)
    return api


async def _explode() -> None:
    raise OverflowError(SECRET)


@pytest.fixture
def exploding(app: ClicktrailApp) -> ClicktrailApp:
    """The app with one route per dialect that fails the way a driver error would."""
    api = _fastapi(app)
    for path in ("/v1/meta/explode", "/api/v2/meta/explode", "/v1/program/explode"):
        api.add_api_route(path, _explode)
    return app


@pytest.mark.parametrize(
    ("path", "auth"),
    [
        ("/v1/meta/explode", {}),
        ("/api/v2/meta/explode", {"query": True}),
        ("/v1/program/explode", {"bearer": True}),
    ],
)
async def test_a_500_names_a_request_id_and_nothing_internal(
    exploding: ClicktrailApp,
    client: httpx.AsyncClient,
    network_key: str,
    path: str,
    auth: dict[str, bool],
) -> None:
    params = {"api-key": network_key} if auth.get("query") else {}
    headers = {"Authorization": f"Bearer {network_key}"} if auth.get("bearer") else {}
    with capture_logs() as logs:
        response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert len(request_id) == 32
    assert SECRET not in response.text
    message = f"Internal server error (request id {request_id})"
    body = response.json()
    if path.startswith("/api/"):
        assert (body["status"], body["code"], body["message"]) == ("error", 500, message)
    elif path.startswith("/v1/program"):
        assert body["error"]["message"] == message
        assert body["error"]["code"] == "INTERNAL_ERROR"
    else:
        assert body == {"Error": message, "error": message}
    [line] = [entry for entry in logs if entry["event"] == "unhandled_error"]
    assert line["request_id"] == request_id
    assert isinstance(line["exc_info"], OverflowError)
    assert str(line["exc_info"]) == SECRET
    assert line["path"] == path


async def test_every_api_answer_carries_a_request_id_and_keeps_a_plain_one_given(
    client: httpx.AsyncClient,
) -> None:
    made = await client.get("/v1/meta/timezones")
    assert len(made.headers["x-request-id"]) == 32
    given = await client.get("/v1/meta/timezones", headers={"X-Request-ID": "lb-1234-abcd"})
    assert given.headers["x-request-id"] == "lb-1234-abcd"
    odd = await client.get("/v1/meta/timezones", headers={"X-Request-ID": "a b\x01"})
    assert odd.headers["x-request-id"] != "a b\x01"
    assert len(odd.headers["x-request-id"]) == 32


async def _failing_tracking(scope: Scope, receive: Receive, send: Send) -> None:
    raise OverflowError(SECRET)


async def test_the_tracking_host_answers_a_generic_500_with_a_request_id() -> None:
    transport = httpx.ASGITransport(app=TrackingBoundary(_failing_tracking))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        with capture_logs() as logs:
            link = await client.get("/c?oid=1&affid=1")
            postback = await client.get("/?nid=1&transaction_id=x")
    assert link.status_code == 500
    request_id = link.headers["x-request-id"]
    assert link.text == f"Internal server error (request id {request_id})"
    assert postback.status_code == 500
    assert postback.json()["request_id"] == postback.headers["x-request-id"]
    assert SECRET not in postback.text
    ids = [entry["request_id"] for entry in logs if entry["event"] == "unhandled_error"]
    assert ids == [request_id, postback.headers["x-request-id"]]
