"""Retention: raw clicks past the period go, converting clicks stay, rollups keep the counts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from typer.testing import CliRunner

from clicktrail.app import ClicktrailApp
from clicktrail.cli import app as cli_app
from clicktrail.click.tasks import purge_expired
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.migrations import upgrade
from clicktrail.models import Click
from tests.fixtures.factories import make_affiliate, make_click, make_offer


async def _ids(db: Database) -> set[str]:
    async with db.read() as session:
        return set((await session.execute(select(Click.transaction_id))).scalars())


async def test_purge_keeps_recent_and_converting_clicks(app: ClicktrailApp) -> None:
    db = app.state.db
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    now = utcnow()
    old = await make_click(db, offer, affiliate, created_at=now - timedelta(days=91))
    converted = await make_click(
        db, offer, affiliate, created_at=now - timedelta(days=400), has_conversion=True
    )
    recent = await make_click(db, offer, affiliate, created_at=now - timedelta(days=89))
    extra = [
        await make_click(db, offer, affiliate, created_at=now - timedelta(days=100 + n))
        for n in range(5)
    ]
    deleted = await purge_expired(db, 90, batch=2)  # several batches
    assert deleted == 6
    assert await _ids(db) == {converted.transaction_id, recent.transaction_id}
    assert old.transaction_id not in await _ids(db)
    assert extra
    assert await purge_expired(db, 90) == 0


def test_cli_purges_once(tmp_path: Path, monkeypatch: object) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)

    async def seed() -> None:
        db = Database(url)
        offer = await make_offer(db)
        affiliate = await make_affiliate(db)
        await make_click(db, offer, affiliate, created_at=utcnow() - timedelta(days=40))
        await make_click(db, offer, affiliate, created_at=utcnow() - timedelta(days=10))
        await db.dispose()

    asyncio.run(seed())
    from clicktrail.config import get_settings

    get_settings.cache_clear()
    runner = CliRunner()
    result = runner.invoke(
        cli_app, ["clicks", "purge", "--days", "30"], env={"CLICKTRAIL_DATABASE_URL": url}
    )
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1] == "1"

    async def remaining() -> int:
        db = Database(url)
        try:
            return len(await _ids(db))
        finally:
            await db.dispose()

    assert asyncio.run(remaining()) == 1
