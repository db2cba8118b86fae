"""Fixtures of the console and portal tests.

httpx level (fast; rules, roles, CSRF): ``web_client`` on the real app; helpers
``sign_in``, ``sign_in_as``, ``csrf`` in tests/fixtures/web.py; ``make_user`` in
tests/fixtures/factories.py.

Browser level (slow; real flows and screenshots): ``live_server`` (a real
``clicktrail serve`` per module and engine), ``browser`` (Chromium, once per module and engine),
``page`` (fails the test on a console error, a page error or a request that leaves the
server's origin), ``shot(page, name)`` (PNGs at 1280 and 390 px in
test-artifacts/screenshots/, on the SQLite run) and ``signed_in(page, role)``. Without a
Chromium on the machine the browser tests are skipped with a message saying so.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from clicktrail.app import ClicktrailApp
from clicktrail.models import User
from tests.fixtures.browser import SCREENSHOTS, WIDTHS, LiveServer, chromium_path, origin_of
from tests.fixtures.factories import make_user
from tests.fixtures.server import free_port, kill_group, ready, serve


@pytest.fixture
async def web_client(app: ClicktrailApp) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client on the app (no redirects followed: tests see the 303s)."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture(scope="module")
def live_server(
    module_database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    """The server is started here but waited for by ``browser``, after Chromium is up: the
    server's interpreter imports clicktrail while Playwright's driver and Chromium start."""
    port = free_port()
    log = tmp_path_factory.mktemp("live") / "serve.log"
    process = serve(module_database_url, port, log)
    pool = ThreadPoolExecutor(1)
    try:
        started = pool.submit(asyncio.run, ready(port, process, log))
        yield LiveServer(f"http://127.0.0.1:{port}", module_database_url, log, started)
    finally:
        kill_group(process)  # a wait still running sees the exit and ends
        pool.shutdown()


@pytest.fixture(scope="module")
def browser(live_server: LiveServer) -> Iterator[Any]:
    """Chromium, per module and engine: Playwright's sync API holds an event loop running in
    this thread while it is started, so it starts after and stops before every fixture that
    calls ``asyncio.run`` (the databases, the server); tests reach the database through
    ``live_server.call``, which runs in a thread of its own. The server is answering when
    this fixture yields."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("browser tests need Chromium: apt-get install chromium (.ci/run does)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - dev extras not installed
        pytest.skip("browser tests need Playwright for Python (pip install -e '.[dev]')")
    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=executable, headless=True)
        try:
            live_server.wait()
            yield chromium
        finally:
            chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def page(live_server: LiveServer, browser: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    problems: list[str] = []
    tab = context.new_page()
    tab.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    tab.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def _request(request: Any) -> None:
        url: str = request.url
        if not url.startswith(("data:", "blob:", "about:")) and (
            origin_of(url) != live_server.origin
        ):
            problems.append(f"request left the origin: {url}")

    tab.on("request", _request)
    try:
        yield tab
    finally:
        context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def shot(live_server: LiveServer) -> Callable[[Any, str], list[Path]]:
    """Screenshots are taken on the SQLite run only: the pages are the same on both
    engines, and the PostgreSQL run would only write the same files again."""

    def _shot(page: Any, name: str) -> list[Path]:
        if not live_server.database_url.startswith("sqlite"):
            return []
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        saved = []
        for width, height in WIDTHS:
            page.set_viewport_size({"width": width, "height": height})
            # Let the page lay itself out at the new width (Chart.js resizes its canvas on
            # the next frames), so the shot is what a browser of that width shows.
            page.evaluate(
                "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
            )
            with contextlib.suppress(PlaywrightTimeout):  # asserted just below
                page.wait_for_function(
                    "() => document.documentElement.scrollWidth <= window.innerWidth",
                    timeout=2000,
                )
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{name} is {overflow} px wider than a {width} px screen"
            path = SCREENSHOTS / f"{name}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
        page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})
        return saved

    return _shot


@pytest.fixture
def signed_in(live_server: LiveServer) -> Callable[..., tuple[User, str]]:
    """``signed_in(page, role, **make_user_fields)``: a new user, signed in through the form."""

    def _sign_in(page: Any, role: str = "admin", **fields: Any) -> tuple[User, str]:
        user, password = live_server.call(lambda db: make_user(db, role, **fields))
        page.goto("/app/login")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/login" not in url)
        return user, password

    return _sign_in
