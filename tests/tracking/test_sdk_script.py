"""``/scripts/main.js``: the SDK file, cacheable, never with a cookie."""

from __future__ import annotations

import httpx

from clicktrail.tracking.sdk import SCRIPT_FILE


async def test_script_is_served_with_caching_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/scripts/main.js")
    assert response.status_code == 200
    assert response.content == SCRIPT_FILE.read_bytes()
    assert b"window.EF = {" in response.content
    headers = response.headers
    assert headers["content-type"] == "text/javascript; charset=utf-8"
    assert headers["cache-control"] == "public, max-age=3600"
    assert "set-cookie" not in headers
    etag = headers["etag"]
    assert etag.startswith('"')
    assert etag.endswith('"')

    again = await client.get("/scripts/main.js", headers={"if-none-match": f"W/{etag}, x"})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    stale = await client.get("/scripts/main.js", headers={"if-none-match": '"other"'})
    assert stale.status_code == 200

    head = await client.head("/scripts/main.js")
    assert head.status_code == 200
    assert head.headers["content-length"] == str(len(response.content))
    assert head.content == b""
    post = await client.post("/scripts/main.js")
    assert (post.status_code, post.headers["allow"]) == (405, "GET, HEAD")
    assert (await client.get("/scripts/other.js")).status_code == 404
