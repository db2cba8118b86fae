"""An empty database on SQLite and on PostgreSQL (when CLICKTRAIL_TEST_POSTGRES_URL is set),
for tests that run the migrations themselves."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fixtures.database import PG_ENV, create_pg_database, drop_pg_database


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}"
        return
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV}")
    pg = create_pg_database(base, migrate=False)
    try:
        yield pg.url
    finally:
        drop_pg_database(pg)
