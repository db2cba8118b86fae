"""Property-based fuzzing of every OpenAPI operation against a real server on loopback.

schemathesis generates requests from the app's own /openapi.json (a fixed seed, a bounded
number of examples per operation) and sends them with a network key and with an affiliate
key to a ``clicktrail serve`` process holding the demo network. Any 5xx fails the test, and
so does an answer the document does not describe: a status code the operation does not list
(status_code_conformance) or a body that does not match the schema documented for its code
(response_schema_conformance), in every dialect and both realms.
Runs on SQLite only: the answers under test are the API's, not the engine's.

Every operation is fuzzed in both realms. Under the key of its own realm (the network's for
the shared operations) it gets schemathesis's explicit cases (the document's examples and
the coverage phase's boundary and negative cases) and ``EXAMPLES`` generated ones; under
the other key, generated cases only: an affiliate key on /v1/networks and a network key on
/v1/affiliates are refused before the input is read, and the shared operations' input
checks are the same under either key (ADR 0099).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import response_schema_conformance, status_code_conformance
from schemathesis.transport.requests import ManagedCookiesSession

from clicktrail.db import Database
from clicktrail.demo import DemoNetwork, seed
from tests.fixtures.database import sqlite_copy
from tests.fixtures.server import free_port, kill_group, ready, serve

pytestmark = pytest.mark.slow

EXAMPLES = 8
AFFILIATE_PATHS = "^/v1/affiliates/"


@dataclass
class FuzzServer:
    base_url: str
    network_key: str
    affiliate_key: str
    #: One keep-alive connection for all cases, instead of a new session (and connection)
    #: per case. schemathesis drops a ``ManagedCookiesSession``'s cookies after every call,
    #: so each case is still sent with only its own; ``trust_env`` off skips reading the
    #: proxy and netrc settings again for every request to loopback.
    session: requests.Session


@pytest.fixture(scope="module")
def fuzz_server(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FuzzServer]:
    folder = tmp_path_factory.mktemp("fuzz")
    url = sqlite_copy(sqlite_template, folder)  # migrated
    # The demo network and its two keys (the network's, and the first affiliate's), written
    # here rather than by `clicktrail demo` and `keys create`: each CLI run is a new
    # interpreter, and those commands have tests of their own (test_demo.py, test_cli.py).
    network = asyncio.run(_seed_demo(url))
    network_key, affiliate_key = network.network_key, network.affiliate_key
    log = folder / "server.log"
    port = free_port()
    # Limits off: the fuzzer sends thousands of requests, many with no valid key.
    process = serve(url, port, log, env={"CLICKTRAIL_RATE_LIMITS": "false"})
    session = ManagedCookiesSession()
    session.trust_env = False
    try:
        asyncio.run(ready(port, process, log))
        yield FuzzServer(f"http://127.0.0.1:{port}", network_key, affiliate_key, session)
    finally:
        session.close()
        kill_group(process)


async def _seed_demo(url: str) -> DemoNetwork:
    db = Database(url)
    try:
        async with db.write() as session:
            return await seed(session)
    finally:
        await db.dispose()


def _openapi() -> dict[str, Any]:
    """The app's own OpenAPI document, built without starting the app."""
    from fastapi import FastAPI

    from clicktrail.app import create_api
    from clicktrail.config import Settings
    from clicktrail.state import AppState

    api: FastAPI = create_api(AppState(Settings(log_level="WARNING")))
    return api.openapi()


schema = schemathesis.openapi.from_dict(_openapi())


def _fuzz_settings(*phases: Phase, examples: int = EXAMPLES) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        phases=phases,
        suppress_health_check=list(HealthCheck),
    )


OWN_REALM = _fuzz_settings(Phase.explicit, Phase.generate)
# A key of the other realm is refused before any input is read: a few examples show it.
OTHER_REALM = _fuzz_settings(Phase.generate, examples=2)
network_and_shared = schema.exclude(path_regex=AFFILIATE_PATHS)
affiliate_only = schema.include(path_regex=AFFILIATE_PATHS)


def _headers(case: Any, key: str) -> dict[str, str]:
    """Every dialect's credential at once: each surface reads only its own."""
    headers = dict(case.headers or {})
    headers["X-Eflow-API-Key"] = key
    headers["Authorization"] = f"Bearer {key}"
    return headers


def _call(case: Any, server: FuzzServer, key: str) -> None:
    query = dict(case.query or {})
    if case.path.startswith("/api/"):
        query.setdefault("api-key", key)
    case.query = query
    headers = _headers(case, key)
    response = case.call(
        base_url=server.base_url, session=server.session, headers=headers, timeout=30
    )
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}"
    )
    case.validate_response(
        response,
        checks=[status_code_conformance, response_schema_conformance],
        headers=headers,
    )


@network_and_shared.parametrize()
@OWN_REALM
def test_every_operation_answers_as_documented_to_the_network_realm(
    case: Any, fuzz_server: FuzzServer
) -> None:
    _call(case, fuzz_server, fuzz_server.network_key)


@affiliate_only.parametrize()
@OWN_REALM
def test_every_operation_answers_as_documented_to_the_affiliate_realm(
    case: Any, fuzz_server: FuzzServer
) -> None:
    _call(case, fuzz_server, fuzz_server.affiliate_key)


@network_and_shared.parametrize()
@OTHER_REALM
def test_network_and_shared_operations_answer_as_documented_to_an_affiliate_key(
    case: Any, fuzz_server: FuzzServer
) -> None:
    _call(case, fuzz_server, fuzz_server.affiliate_key)


@affiliate_only.parametrize()
@OTHER_REALM
def test_affiliate_operations_answer_as_documented_to_a_network_key(
    case: Any, fuzz_server: FuzzServer
) -> None:
    _call(case, fuzz_server, fuzz_server.network_key)
