"""What every ``clicktrail`` command shares: messages to stderr, one run against the database.

Domain sub-apps (``clicktrail/<domain>/cli.py``) import these; the top-level CLI
(``clicktrail/cli.py``) registers the sub-apps, so no domain imports it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer

from clicktrail.config import Settings
from clicktrail.db import Database

T = TypeVar("T")


def err(message: str) -> None:
    typer.echo(message, err=True)


def run_with_db(settings: Settings, work: Callable[[Database], Awaitable[T]]) -> T:
    """Run ``work`` against the configured database and dispose of it afterwards."""

    async def _main() -> T:
        db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(_main())
