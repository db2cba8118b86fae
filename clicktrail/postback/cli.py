"""``clicktrail worker``: run postback delivery workers outside ``serve``.

Start as many as needed, on any number of machines: on PostgreSQL their claims never
overlap (``FOR UPDATE SKIP LOCKED``). On SQLite one worker (the one inside ``serve``) is
enough; more only queue on the database lock.
"""

from __future__ import annotations

import asyncio
import signal
from typing import Annotated

import typer

from clicktrail.config import get_settings

app = typer.Typer(no_args_is_help=False)


async def _run(lanes: int, overrides: dict[str, object]) -> None:
    from clicktrail.audit import capture
    from clicktrail.db import Database
    from clicktrail.ops.logging import configure_logging
    from clicktrail.ops.runtime import tune_gc
    from clicktrail.postback.tasks import DeliveryWorker

    settings = get_settings().model_copy(update=overrides)
    configure_logging(settings.log_level, settings.log_format)
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    capture.install(db)  # a pixel the worker disables is in the audit log (ADR 0086)
    worker = DeliveryWorker(db, settings, lanes=lanes)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await worker.start()
    tune_gc()
    typer.echo(f"postback worker running ({lanes} lanes); Ctrl-C to stop", err=True)
    try:
        await stop.wait()
    finally:
        await worker.stop()
        await db.dispose()


@app.callback(invoke_without_command=True)
def worker(
    lanes: Annotated[int, typer.Option(min=1, max=64, help="Batches in flight at once.")] = 3,
    concurrency: Annotated[
        int | None,
        typer.Option(min=1, max=4096, help="Requests in flight [CLICKTRAIL_POSTBACK_CONCURRENCY]."),
    ] = None,
    batch_size: Annotated[
        int | None,
        typer.Option(min=1, max=10000, help="Claim size [CLICKTRAIL_POSTBACK_BATCH_SIZE]."),
    ] = None,
) -> None:
    """Claim due postback deliveries and fire them until stopped (SIGINT/SIGTERM).

    Example: CLICKTRAIL_DATABASE_URL=postgresql+asyncpg://… clicktrail worker --lanes 4
    """
    overrides: dict[str, object] = {}
    if concurrency is not None:
        overrides["postback_concurrency"] = concurrency
    if batch_size is not None:
        overrides["postback_batch_size"] = batch_size
    asyncio.run(_run(lanes, overrides))
