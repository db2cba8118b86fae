"""The conversion writer process: ``python -m clicktrail.conversion.writer_child``.

Started by a server process (``writer_process.ProcessConversionWriter``) through the shared
child-process bridge (clicktrail/kit/bridge.py, clicktrail/kit/child.py), it runs the
group-commit ``ConversionWriter`` on its own event loop and core, so pricing, inserting
and rolling up a batch no longer share the server's one Python thread with HTTP.

Its configuration is the server's settings (a JSON-able dict); each request is a draft
as plain values (clicktrail/conversion/pipe.py), answered with its receipt or failure only
after the transaction holding that conversion has committed. At EOF on stdin it writes
what is queued and exits.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from clicktrail.config import Settings
from clicktrail.conversion import jobs
from clicktrail.conversion.jobs import Job
from clicktrail.conversion.pipe import Answered, answer_out, request_in
from clicktrail.conversion.service import Recorded
from clicktrail.conversion.writer import ConversionWriter, Failure, Receipt, WriterStopped, build
from clicktrail.db import Database
from clicktrail.kit import child
from clicktrail.ops.logging import configure_logging
from clicktrail.ops.runtime import tune_gc
from clicktrail.report.tasks import configure_admission


def _settle(reply: child.Reply, seq: int, future: asyncio.Future[Recorded]) -> None:
    if future.cancelled():
        outcome: Receipt | Failure | Answered = Failure(503, None, "cancelled", stopped=True)
    elif (exc := future.exception()) is not None:
        outcome = Failure.of(exc)
    else:
        outcome = Receipt.of(future.result())
    reply(seq, answer_out(outcome))


def _settle_job(reply: child.Reply, seq: int, future: asyncio.Future[object]) -> None:
    if future.cancelled():
        outcome: Failure | Answered = Failure(503, None, "cancelled", stopped=True)
    elif (exc := future.exception()) is not None:
        outcome = Failure.of(exc)
    elif isinstance(answer := future.result(), BaseException):
        outcome = Failure.of(answer)  # the handler refused this job alone
    else:
        outcome = Answered(answer)
    reply(seq, answer_out(outcome))


class _Drafts:
    """Drafts from the server go to the group-commit writer; each answer after COMMIT."""

    def __init__(self, db: Database, writer: ConversionWriter) -> None:
        self.db = db
        self.writer = writer

    def handle(self, seq: int, request: Any, reply: child.Reply) -> None:
        try:
            item = request_in(request)
            if isinstance(item, Job):
                job = self.writer.enqueue_job(item)
                job.add_done_callback(functools.partial(_settle_job, reply, seq))
                return
            future = self.writer.enqueue(item)
        except WriterStopped as exc:
            reply(seq, answer_out(Failure.of(exc)))
            return
        future.add_done_callback(functools.partial(_settle, reply, seq))

    async def close(self) -> None:
        await self.writer.stop()  # writes everything queued; their replies go out
        await asyncio.sleep(0)
        await self.db.dispose()


async def setup(config: Any) -> _Drafts:
    settings = Settings.model_validate(config)
    jobs.load(config.get(jobs.CONFIG_KEY, ()))
    configure_logging(settings.log_level, settings.log_format)
    configure_admission(settings)
    db = Database(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    writer = build(settings, db)
    await writer.start()
    tune_gc()
    return _Drafts(db, writer)


if __name__ == "__main__":
    child.run(setup)
