"""``clicktrail users …`` and the first admin made by ``serve``, in-process on SQLite."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clicktrail.cli import FIRST_ADMIN, _first_admin, app
from clicktrail.command import run_with_db
from clicktrail.config import get_settings
from clicktrail.db import Database
from clicktrail.errors import Unauthorized
from clicktrail.migrations import upgrade
from clicktrail.users import service
from tests.fixtures.factories import make_affiliate

runner = CliRunner()


@pytest.fixture
def database_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'users.db'}"
    monkeypatch.setenv("CLICKTRAIL_DATABASE_URL", url)
    monkeypatch.setenv("CLICKTRAIL_LOG_FORMAT", "console")
    get_settings.cache_clear()
    upgrade(url)
    yield url
    get_settings.cache_clear()


def _signs_in(url: str, email: str, password: str) -> bool:
    async def _work(db: Database) -> bool:
        async with db.write() as session:
            try:
                await service.verify_credentials(session, email, password, "127.0.0.1")
            except Unauthorized:
                return False
            return True

    return run_with_db(get_settings(), _work)


def test_create_prints_a_generated_password_once(database_url: str) -> None:
    result = runner.invoke(
        app, ["users", "create", "--email", "Boss@Example.com", "--role", "admin"]
    )
    assert result.exit_code == 0, result.output
    password = result.stdout.strip()
    assert len(password) >= 16
    assert "shown once" in result.stderr
    assert _signs_in(database_url, "boss@example.com", password)


def test_create_affiliate_user_and_list(database_url: str) -> None:
    affiliate = asyncio.run(_affiliate(database_url))
    result = runner.invoke(
        app,
        [
            "users", "create", "--email", "ana@partner.example", "--role", "affiliate",
            "--affiliate-id", str(affiliate), "--password", "a long password",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    listed = runner.invoke(app, ["users", "list", "--json"])
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["email"], r["role"], r["affiliate_id"], r["active"]) for r in rows] == [
        ("ana@partner.example", "affiliate", affiliate, True)
    ]
    assert "password" not in listed.stdout


async def _affiliate(url: str) -> int:
    db = Database(url)
    try:
        return (await make_affiliate(db)).network_affiliate_id
    finally:
        await db.dispose()


def test_create_refuses_bad_input_naming_the_field(database_url: str) -> None:
    cases = [
        (["--email", "x", "--role", "admin"], "email"),
        (["--email", "x@example.com", "--role", "root"], "role"),
        (["--email", "x@example.com", "--role", "affiliate"], "affiliate"),
        (["--email", "x@example.com", "--role", "admin", "--password", "short"], "password"),
    ]
    for args, word in cases:
        result = runner.invoke(app, ["users", "create", *args])
        assert result.exit_code == 2, args
        assert word in result.stderr, (args, result.stderr)


def test_set_password_and_disable(database_url: str) -> None:
    runner.invoke(app, ["users", "create", "--email", "m@example.com", "--role", "manager"])
    result = runner.invoke(app, ["users", "set-password", "m@example.com"])
    assert result.exit_code == 0, result.output
    new = result.stdout.strip()
    assert _signs_in(database_url, "m@example.com", new)
    assert runner.invoke(app, ["users", "disable", "m@example.com"]).exit_code == 0
    assert not _signs_in(database_url, "m@example.com", new)
    missing = runner.invoke(app, ["users", "disable", "nobody@example.com"])
    assert missing.exit_code == 2
    assert "no user" in missing.stderr


def test_first_serve_makes_one_admin(database_url: str) -> None:
    password = run_with_db(get_settings(), _first_admin)
    assert password
    assert _signs_in(database_url, FIRST_ADMIN, password)
    assert run_with_db(get_settings(), _first_admin) is None  # once
