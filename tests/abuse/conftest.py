"""An app with chosen limits, on each engine, reached in process (httpx ASGITransport)."""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from clicktrail.app import ClicktrailApp, create_app
from clicktrail.config import Settings

Limited = Callable[
    ..., contextlib.AbstractAsyncContextManager[tuple[ClicktrailApp, httpx.AsyncClient]]
]


@pytest.fixture
def limited(settings: Settings) -> Limited:
    """``async with limited(rate_limit_failed_auth="3/minute") as (app, client)``: the test
    app with these settings; requests come from 127.0.0.1, a trusted proxy, so a test names
    its client address with ``X-Forwarded-For``."""

    @contextlib.asynccontextmanager
    async def build(**overrides: Any) -> AsyncIterator[tuple[ClicktrailApp, httpx.AsyncClient]]:
        values: dict[str, Any] = {"trusted_proxies": ["127.0.0.0/8"]}
        values.update(overrides)
        application = create_app(settings.model_copy(update=values))
        await application.state.start()
        transport = httpx.ASGITransport(app=application, client=("127.0.0.1", 40000))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
                yield application, client
        finally:
            await application.state.stop()

    return build


def random_address() -> str:
    """A client address no other test (nor an earlier run sharing Redis) used."""
    a, b, c = (secrets.randbelow(254) + 1 for _ in range(3))
    return f"10.{a}.{b}.{c}"
