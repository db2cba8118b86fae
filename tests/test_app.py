"""The root app: /docs and /redoc work without internet (issue 15, item 6)."""

from __future__ import annotations

import re

import httpx
import pytest

#: Every URL a page loads: src=, href= and the url the JS is given for the schema.
_URLS = re.compile(r"""(?:src|href|url)\s*[:=]\s*['"]([^'"]+)['"]""")


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
async def test_docs_pages_load_only_local_assets(client: httpx.AsyncClient, page: str) -> None:
    response = await client.get(page)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "cdn" not in html.lower()
    assert "fonts.googleapis" not in html
    urls = set(_URLS.findall(html))
    scripts = {u for u in urls if u.endswith(".js")}
    assert scripts, html  # the page does load its viewer
    assert "/openapi.json" in urls
    for url in urls:
        assert url.startswith("/"), url
        assert not url.startswith("//"), url
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 100, url


async def test_swagger_ui_assets_are_the_real_bundle(client: httpx.AsyncClient) -> None:
    js = await client.get("/docs/assets/swagger-ui-bundle.js")
    assert js.status_code == 200
    assert "javascript" in js.headers["content-type"]
    assert b"SwaggerUIBundle" in js.content
    css = await client.get("/docs/assets/swagger-ui.css")
    assert css.headers["content-type"].startswith("text/css")
    missing = await client.get("/docs/assets/nope.js")
    assert missing.status_code == 404
