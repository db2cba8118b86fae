"""The web app's routing, headers, static files and error pages."""

from __future__ import annotations

import httpx

from clicktrail.web.app import CSP


async def test_root_redirects_a_visit_to_the_console(client: httpx.AsyncClient) -> None:
    response = await client.get("/")
    assert response.status_code == 302
    assert response.headers["location"] == "/app/"
    assert (await client.get("/?utm=x")).status_code == 302


async def test_root_with_postback_parameters_is_still_a_postback(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/", params={"nid": "1", "transaction_id": "f" * 32})
    assert response.status_code == 200
    assert response.json()["transaction_id"] == "f" * 32
    assert (await client.post("/")).status_code == 404  # a POST is never a visit
    assert (await client.head("/")).status_code == 405


async def test_pages_carry_the_security_headers(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/app/login")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-type"].startswith("text/html")


async def test_static_files_are_served_from_the_allowlist(web_client: httpx.AsyncClient) -> None:
    for path, kind, needle in (
        ("/static/app.css", "text/css", ".skip-link"),
        ("/static/app.js", "text/javascript", "data-copy"),
        ("/static/vendor/pico.min.css", "text/css", "Pico"),
        ("/static/vendor/chart.umd.min.js", "text/javascript", "Chart"),
    ):
        response = await web_client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith(kind)
        assert needle in response.text
        assert response.headers["cache-control"] == "public, max-age=86400"
    for path in (
        "/static/vendor/package.json",
        "/static/vendor/..%2F..%2Fpackage.json",
        "/static/../web/app.py",
        "/static/nothing.js",
    ):
        assert (await web_client.get(path)).status_code == 404, path


async def test_unknown_page_is_an_html_404(web_client: httpx.AsyncClient) -> None:
    response = await web_client.get("/app/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert response.headers["content-type"].startswith("text/html")


async def test_only_the_web_paths_reach_the_web_app(client: httpx.AsyncClient) -> None:
    root = await client.get("/app")
    assert root.status_code == 307
    assert root.headers["location"].endswith("/app/")
    # A path that merely begins with "app" stays the tracking host's (plain-text 404).
    other = await client.get("/apple123/ABCDEFGH/")
    assert other.status_code == 404
    assert other.headers["content-type"].startswith("text/plain")
