"""Group commit for advertiser postbacks: one transaction per batch, every request waits
for the commit that holds its conversion before it is answered.

One INSERT and COMMIT per postback caps throughput at the database's commit rate (an fsync
each on SQLite, a round trip and WAL flush each on PostgreSQL). The writer instead takes
whatever drafts are waiting, records them with ``service.record_many`` in one transaction
and resolves each request's future after COMMIT. There is no timer: while one batch
commits, the next one fills, so batches grow with load and a lone request is written at
once. A batch that fails is retried one draft per transaction so that one bad draft
fails alone. Nothing is acknowledged before it is committed, so a crash loses only
unanswered requests, which the advertiser retries.

With ``concurrency`` > 1 (PostgreSQL), the next batch is taken and written as soon as
the previous one reaches its COMMIT, so the database's commit and the next batch's work
overlap; a batch's statements never overlap another's (kit/groupcommit.py), and rollup rows are
locked in key order, so two batches in flight cannot deadlock (ADR 0024).

Other domains' writes ride in the same batches as jobs (``jobs.py``, ADR 0107): Affonso
referral conversions are submitted with ``run(job)``, stored in the batch's transaction by
their domain's handler and answered after the same COMMIT.

A server normally runs this writer in a writer process of its own
(``writer_process.ProcessConversionWriter``, ADR 0026); both answer through ``record``
with a ``Receipt`` and through ``run`` with the job's plain answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol, cast

import structlog

from clicktrail.config import Settings
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.jobs import Job, handler
from clicktrail.conversion.service import Recorded, record_many
from clicktrail.db import Database
from clicktrail.errors import ClicktrailError
from clicktrail.kit.groupcommit import GroupCommit

log = structlog.get_logger("clicktrail.conversion.writer")


class Receipt(NamedTuple):
    """What a postback is answered with, once its conversion is committed."""

    conversion_id: str
    transaction_id: str | None
    status: str
    error_code: int
    error_message: str
    replayed: bool

    @classmethod
    def of(cls, recorded: Recorded) -> Receipt:
        c = recorded.conversion
        return cls(
            c.conversion_id,
            c.transaction_id,
            c.status,
            c.error_code,
            c.error_message,
            recorded.replayed,
        )


class Failure(NamedTuple):
    """A draft that was not recorded: the error the server answers with."""

    status_code: int
    field: str | None
    message: str
    stopped: bool = False
    #: The error's ``code`` (Affonso's dialect shows it).
    code: str = "INTERNAL_ERROR"

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        if isinstance(exc, WriterStopped):
            return cls(503, None, str(exc), stopped=True, code="SERVICE_UNAVAILABLE")
        if isinstance(exc, ClicktrailError):
            return cls(exc.status_code, exc.field, exc.message, code=exc.code)
        return cls(500, None, f"conversion could not be recorded: {exc!r}")


class DraftRecorder(Protocol):
    """A group-commit writer, in this process or in its writer process."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def record(self, draft: ConversionDraft) -> Receipt: ...

    async def run(self, job: Job) -> Any:
        """Store ``job`` in a batch; its handler's answer once committed (its error raised)."""
        ...


#: The writer most recently started in this process (the tracking host's way to reach it).
_running: DraftRecorder | None = None


def running_writer() -> DraftRecorder | None:
    return _running


def set_running(writer: DraftRecorder | None) -> None:
    global _running
    _running = writer


class WriterStopped(RuntimeError):
    """The writer is not running (the process is starting or shutting down)."""


class ConversionWriter:
    """A background service (``state.components["conversion_writer"]``).

    Queueing, batching and acknowledging are the shared group-commit writer's
    (clicktrail/kit/groupcommit.py, ADR 0087); this class says what a batch of
    conversions is: ``record_many`` in one ``db.write()`` transaction. A batch that fails
    is retried one draft per transaction, so that one bad draft fails alone with its own
    error."""

    name = "conversion_writer"

    def __init__(self, db: Database, *, max_batch: int = 1000, concurrency: int = 1) -> None:
        self.db = db
        self._core: GroupCommit[ConversionDraft | Job, object] = GroupCommit(
            self,
            label="conversion",
            max_batch=max_batch,
            unavailable=WriterStopped,
            concurrency=concurrency,
            split="singles",
            skip_cancelled=True,
        )

    @property
    def max_batch(self) -> int:
        return self._core.max_batch

    @property
    def concurrency(self) -> int:
        return self._core.concurrency

    async def start(self) -> None:
        await self._core.start()
        set_running(self)

    async def stop(self) -> None:
        """Stop accepting, write everything already queued, then end the loop."""
        if _running is self:
            set_running(None)
        await self._core.stop()

    def enqueue(self, draft: ConversionDraft) -> asyncio.Future[Recorded]:
        """Queue ``draft``; the future resolves once the transaction holding it committed."""
        return cast("asyncio.Future[Recorded]", self._core.submit(draft))

    def enqueue_job(self, job: Job) -> asyncio.Future[object]:
        """Queue ``job``; the future resolves to its handler's answer (a plain value or a
        ``ClicktrailError`` instance) once the transaction holding it committed."""
        return self._core.submit(job)

    async def submit(self, draft: ConversionDraft) -> Recorded:
        """Queue ``draft`` and return once the transaction holding it has committed."""
        return await self.enqueue(draft)

    async def record(self, draft: ConversionDraft) -> Receipt:
        return Receipt.of(await self.enqueue(draft))

    async def run(self, job: Job) -> Any:
        answer = await self.enqueue_job(job)
        if isinstance(answer, BaseException):
            raise answer
        return answer

    # What a batch of conversions is (kit.groupcommit.Batches).

    async def commit(
        self,
        items: Sequence[ConversionDraft | Job],
        *,
        retry: bool,
        committing: Callable[[], None],
    ) -> list[object]:
        results: list[object] = [None] * len(items)
        drafts = [(i, item) for i, item in enumerate(items) if isinstance(item, ConversionDraft)]
        kinds: dict[str, list[tuple[int, Job]]] = {}
        for i, item in enumerate(items):
            if isinstance(item, Job):
                kinds.setdefault(item.kind, []).append((i, item))
        async with self.db.write() as session:
            if drafts:
                recorded = await record_many(session, [d for _, d in drafts], bulk=True)
                for (i, _), one in zip(drafts, recorded, strict=True):
                    results[i] = one
            for kind, jobs in kinds.items():
                answers = await handler(kind)(session, [job.payload for _, job in jobs])
                for (i, _), answer in zip(jobs, answers, strict=True):
                    results[i] = answer
            # Everything is written; the COMMIT at the block's end may overlap the next
            # batch (on SQLite the next one waits for the write lock anyway).
            committing()
        return results

    def is_data_error(self, exc: BaseException) -> bool:
        return True  # any failure: retry one draft per transaction

    async def reconnect(self) -> None:
        pass

    def salvage(self, item: ConversionDraft | Job) -> bool:
        return False

    def refused(self, item: ConversionDraft | Job, exc: BaseException) -> BaseException:
        return exc


def build(settings: Settings, db: Database) -> ConversionWriter:
    """The in-process writer these settings describe."""
    concurrency = settings.conversion_writers or (1 if db.is_sqlite else 2)
    return ConversionWriter(db, max_batch=settings.conversion_batch_max, concurrency=concurrency)
