"""Every test that takes ``app``, ``client`` or ``db`` runs once on SQLite and once on
PostgreSQL (the latter when CLICKTRAIL_TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from argon2 import PasswordHasher
from argon2.profiles import CHEAPEST
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from clicktrail.app import ClicktrailApp, create_app
from clicktrail.click.tasks import RetentionJob
from clicktrail.config import Settings
from clicktrail.conversion import writer_process
from clicktrail.db import Database
from clicktrail.kit.bridge import ChildProcess
from clicktrail.tracking import sinks
from clicktrail.tracking.cache import TrackingCache
from clicktrail.users import passwords
from tests.fixtures.children import REAL_LAUNCH, helpers_as_threads
from tests.fixtures.database import (
    PG_ENV,
    PgDatabase,
    create_pg_database,
    drop_pg_database,
    make_sqlite_template,
    reset_pg_database,
    sqlite_copy,
)
from tests.fixtures.engines import SharedDatabases, forget_memos
from tests.fixtures.factories import make_key

BACKENDS = ["sqlite", "postgres"]

# Password hashes in tests: argon2's cheapest parameters (the server keeps its default
# profile; a hash carries its parameters, so either verifies).
passwords.HASHER = PasswordHasher.from_parameters(CHEAPEST)

# Hypothesis runs under the "ci" profile unless `--hypothesis-profile` names another: no
# deadline and no speed health checks (a busy 2-core machine must not fail a property), a
# fixed seed (a run is reproducible and its examples are the same on every machine), no
# example database, a bounded example count. A test's own @settings still wins field by field.
hypothesis_settings.register_profile(
    "ci",
    max_examples=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
# "thorough": random examples and more of them, for a deliberate search on a quiet machine.
hypothesis_settings.register_profile(
    "thorough", parent=hypothesis_settings.get_profile("ci"), max_examples=500, derandomize=False
)
hypothesis_settings.load_profile("ci")


@pytest.fixture(autouse=True, scope="session")
def _writer_processes_start_on_first_use() -> Iterator[None]:
    """An app started in a test starts its writer processes (clicks on SQLite, conversions)
    on their first batch, never on the timer that warms them up ahead of traffic in a
    server: each would import clicktrail in a new interpreter for nothing in every test
    that outlasts the timer, which is most of them on a busy machine. The processes and
    their pipes are the same; ``clicktrail serve`` in the subprocess tests keeps the timer."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sinks, "PRESTART_SECONDS", 24 * 3600.0)
        patch.setattr(writer_process, "PRESTART_SECONDS", 24 * 3600.0)
        yield


@pytest.fixture(autouse=True, scope="session")
def _tracking_cache_loads_on_first_click() -> Iterator[None]:
    """An app started in a test loads its tracking cache on the first click (whose ``sync``
    loads a cache that never loaded) rather than at start: most tests never click, and the
    load is a dozen queries. ``clicktrail serve`` in the subprocess tests loads at start.
    Likewise the click retention job does not create PostgreSQL's day partitions at start:
    the session's database was migrated once, which created them."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(TrackingCache, "load_at_start", False)
        patch.setattr(RetentionJob, "ensure_at_start", False)
        yield


@pytest.fixture(autouse=True, scope="session")
def _helper_processes_as_threads() -> Iterator[None]:
    """The click and conversion writer helpers run as threads of the test's process, over
    the same pipes and frames (tests/fixtures/children.py): a new interpreter per test that
    records a click or a conversion costs more than most tests. ``clicktrail serve`` in the
    subprocess tests starts real helper processes."""
    with helpers_as_threads():
        yield


@pytest.fixture
def real_helper_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """This test's bridge helpers are real ``python -m`` processes (to signal or kill them)."""
    monkeypatch.setattr(ChildProcess, "_launch", REAL_LAUNCH)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_sqlite_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def pg_database() -> Iterator[PgDatabase | None]:
    base = os.environ.get(PG_ENV)
    if not base:
        yield None
        return
    db = create_pg_database(base)  # an unreachable server fails here, loudly
    try:
        yield db
    finally:
        drop_pg_database(db)


@pytest.fixture(scope="session")
def shared_databases() -> SharedDatabases:
    return SharedDatabases()


@pytest.fixture(params=BACKENDS)
async def database_url(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    pg_database: PgDatabase | None,
    tmp_path: Path,
) -> str:
    if request.param == "sqlite":
        return sqlite_copy(sqlite_template, tmp_path)
    if pg_database is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    await reset_pg_database(pg_database)
    return pg_database.url


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(
    request: pytest.FixtureRequest,
    sqlite_template: Path,
    pg_database: PgDatabase | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> str:
    """One database for a whole module, for tests that only read what it was seeded with.
    A module using it must not take ``database_url``: that would empty the PostgreSQL one."""
    if request.param == "sqlite":
        return sqlite_copy(sqlite_template, tmp_path_factory.mktemp("module"))
    if pg_database is None:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    asyncio.run(reset_pg_database(pg_database))
    return pg_database.url


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        log_format="console",
        log_level="WARNING",
        postback_allow_private=True,
        worker_enabled=False,
        tracking_url="http://track.test",
    )


@pytest.fixture
async def app(
    settings: Settings, shared_databases: SharedDatabases
) -> AsyncIterator[ClicktrailApp]:
    """The server's app, started; its ``Database`` is the worker's one for this engine and
    URL (tests/fixtures/engines.py), with the process's per-engine memos emptied."""
    forget_memos()
    application = create_app(settings, db=shared_databases.get(settings))
    await application.state.start()
    try:
        yield application
    finally:
        await application.state.stop()


@pytest.fixture
def db(app: ClicktrailApp) -> Database:
    return app.state.db


@pytest.fixture
async def client(app: ClicktrailApp) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
        yield c


@pytest.fixture
async def network_key(db: Database) -> str:
    return await make_key(db, "network")


@pytest.fixture
def network_headers(network_key: str) -> dict[str, str]:
    return {"X-Eflow-API-Key": network_key}
