"""Hostile tracking requests: never a 500, never a lost click; stored with what is known."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

import httpx

from clicktrail.app import ClicktrailApp
from tests.tracking.helpers import click, clicks, make_pair, query_of


async def _raw(
    app: ClicktrailApp,
    path: str,
    query: bytes,
    headers: list[tuple[bytes, bytes]],
    client: tuple[str, int] | None = ("127.0.0.1", 50000),
) -> tuple[int, dict[bytes, bytes]]:
    """Call the ASGI app with bytes no HTTP client would send."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape"),
        "query_string": query,
        "headers": headers,
        "client": client,
        "scheme": "http",
        "http_version": "1.1",
        "root_path": "",
        "server": ("127.0.0.1", 80),
    }
    messages: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: MutableMapping[str, Any]) -> None:
        messages.append(message)

    await app(scope, receive, send)
    start = messages[0]
    return start["status"], dict(start["headers"])


async def test_garbage_and_huge_ids_are_invalid_clicks(
    app: ClicktrailApp, client: httpx.AsyncClient
) -> None:
    pair = await make_pair(app)
    for query in (
        "oid=abc&affid=1",
        f"oid=99999999999999999999999&affid={pair.affid}",
        f"oid=-5&affid={pair.affid}",
        f"oid={pair.oid}&affid=1e3",
        f"oid={pair.oid}",
        "",
        f"oid={pair.oid}&affid={pair.affid}&creative_id=zzz&uid=99999999999999",
    ):
        response = await client.get(f"/c?{query}")
        assert response.status_code in (302, 404), query
    stored = await clicks(app.state.db)
    assert len(stored) == 7
    assert [c.error_code for c in stored] == [1, 1, 1, 1, 1, 1, 0]
    assert stored[-1].creative_id is None
    assert stored[-1].network_offer_url_id == 0
    assert stored[1].query_parameters == {
        "oid": "99999999999999999999999",
        "affid": str(pair.affid),
    }


async def test_long_query_invalid_utf8_nul_and_no_user_agent(app: ClicktrailApp) -> None:
    pair = await make_pair(app)
    link = f"oid={pair.oid}&affid={pair.affid}".encode()
    status, headers = await _raw(
        app,
        "/c",
        link + b"&sub1=\xff\xfeok%00&sub1=second&sub2=" + b"x" * 70000 + b"&utm=\xc3",
        [(b"user-agent", b"Bad\x00Agent " + b"A" * 5000), (b"host", b"t.example")],
    )
    assert status == 302
    stored = await click(app.state.db, query_of(headers[b"location"].decode())["tid"])
    assert stored.sub1 == "\ufffd\ufffdok"
    assert stored.error_code == 0
    assert len(stored.user_agent) == 1024
    assert "\x00" not in stored.user_agent

    status, headers = await _raw(app, "/c", link, [], client=None)
    assert status == 302
    stored = await click(app.state.db, query_of(headers[b"location"].decode())["tid"])
    assert (stored.user_agent, stored.user_ip, stored.device_type) == ("", "", "Unknown")


async def test_ipv6_client_and_odd_paths(app: ClicktrailApp) -> None:
    pair = await make_pair(app)
    status, headers = await _raw(
        app,
        "/c",
        f"oid={pair.oid}&affid={pair.affid}".encode(),
        [(b"user-agent", b"UA")],
        client=("2001:db8::5", 443),
    )
    assert status == 302
    stored = await click(app.state.db, query_of(headers[b"location"].decode())["tid"])
    assert stored.user_ip == "2001:db8::5"
    for path in ("/é/ü/", "/" + "a" * 5000, "/ABCDEFGH/%00%00%00%00/"):
        status, _ = await _raw(app, path, b"", [])
        assert status == 404
