"""``clicktrail clicks …``: click maintenance commands."""

from __future__ import annotations

from typing import Annotated

import typer

from clicktrail.config import get_settings
from clicktrail.db import Database

app = typer.Typer(help="Clicks: retention of raw clicks.", no_args_is_help=True)


@app.command("purge")
def purge(
    days: Annotated[
        int | None,
        typer.Option(
            "--days", min=1, help="Keep this many days [CLICKTRAIL_CLICK_RETENTION_DAYS]."
        ),
    ] = None,
) -> None:
    """Delete raw clicks older than the retention period, once, and print how many.

    Clicks that led to a conversion are kept forever; click counts stay in the hourly
    rollups. The server also runs this every hour.

    Example: clicktrail clicks purge --days 30
    """
    from clicktrail.click.tasks import purge_expired
    from clicktrail.command import err, run_with_db

    settings = get_settings()
    keep = days if days is not None else settings.click_retention_days

    async def _work(db: Database) -> int:
        return await purge_expired(db, keep)

    deleted = run_with_db(settings, _work)
    err(f"purged {deleted} raw clicks older than {keep} days")
    typer.echo(str(deleted))
