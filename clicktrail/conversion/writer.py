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
overlap; a batch's statements never overlap another's (``_stage``), and rollup rows are
locked in key order, so two batches in flight cannot deadlock (ADR 0024).

A server normally runs this writer in a writer process of its own
(``writer_process.ProcessConversionWriter``, ADR 0026); both answer through ``record``
with a ``Receipt``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import NamedTuple, Protocol

import structlog

from clicktrail.config import Settings
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.service import Recorded, record_many
from clicktrail.db import Database
from clicktrail.errors import ClicktrailError
from clicktrail.state import AppState

log = structlog.get_logger("clicktrail.conversion.writer")

_Item = tuple[ConversionDraft, "asyncio.Future[Recorded]"]


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

    @classmethod
    def of(cls, exc: BaseException) -> Failure:
        if isinstance(exc, WriterStopped):
            return cls(503, None, str(exc), stopped=True)
        if isinstance(exc, ClicktrailError):
            return cls(exc.status_code, exc.field, exc.message)
        return cls(500, None, f"conversion could not be recorded: {exc!r}")


class DraftRecorder(Protocol):
    """A group-commit writer, in this process or in its writer process."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def record(self, draft: ConversionDraft) -> Receipt: ...


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
    """A background service (``state.components["conversion_writer"]``)."""

    name = "conversion_writer"

    def __init__(self, db: Database, *, max_batch: int = 1000, concurrency: int = 1) -> None:
        self.db = db
        self.max_batch = max_batch
        self.concurrency = max(1, concurrency)
        self._queue: asyncio.Queue[_Item] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        #: Held from taking a batch until its COMMIT starts.
        self._stage = asyncio.Lock()
        self._accepting = False

    async def start(self) -> None:
        self._accepting = True
        self._tasks = [
            asyncio.create_task(self._run(), name=f"{self.name}-{i}")
            for i in range(self.concurrency)
        ]
        set_running(self)

    async def stop(self) -> None:
        """Stop accepting, write everything already queued, then end the loop."""
        self._accepting = False
        if _running is self:
            set_running(None)
        if not self._tasks:
            return
        await self._queue.join()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    def enqueue(self, draft: ConversionDraft) -> asyncio.Future[Recorded]:
        """Queue ``draft``; the future resolves once the transaction holding it committed."""
        if not self._accepting or not self._tasks or all(t.done() for t in self._tasks):
            raise WriterStopped("conversion writer is not running")
        future: asyncio.Future[Recorded] = asyncio.get_running_loop().create_future()
        self._queue.put_nowait((draft, future))
        return future

    async def submit(self, draft: ConversionDraft) -> Recorded:
        """Queue ``draft`` and return once the transaction holding it has committed."""
        return await self.enqueue(draft)

    async def record(self, draft: ConversionDraft) -> Receipt:
        return Receipt.of(await self.enqueue(draft))

    async def _run(self) -> None:
        while True:
            await self._stage.acquire()
            stage = [True]  # still held
            batch: list[_Item] = []
            try:
                batch.append(await self._queue.get())
                while len(batch) < self.max_batch and not self._queue.empty():
                    batch.append(self._queue.get_nowait())
                await self._write(batch, stage)
            except Exception:  # pragma: no cover - _write settles every future itself
                log.exception("conversion_batch_crashed", size=len(batch))
            finally:
                self._release(stage)
                for _ in batch:
                    self._queue.task_done()

    def _release(self, stage: list[bool]) -> None:
        """Let the next batch start (once per batch)."""
        if stage[0]:
            stage[0] = False
            self._stage.release()

    async def _write(self, batch: list[_Item], stage: list[bool]) -> None:
        live = [(draft, future) for draft, future in batch if not future.cancelled()]
        if not live:
            return
        try:
            async with self.db.write() as session:
                results = await record_many(session, [draft for draft, _ in live], bulk=True)
                # Everything is written; the COMMIT at the block's end may overlap the next
                # batch (on SQLite the next one waits for the write lock anyway).
                self._release(stage)
        except Exception as exc:
            if len(live) == 1:
                _settle_error(live[0][1], exc)
                return
            log.warning("conversion_batch_retried_singly", size=len(live), error=repr(exc))
            for item in live:
                await self._write([item], [False])
            return
        for (_, future), result in zip(live, results, strict=True):
            if not future.done():
                future.set_result(result)


def _settle_error(future: asyncio.Future[Recorded], exc: Exception) -> None:
    if not future.done():
        future.set_exception(exc)


def build(settings: Settings, db: Database) -> ConversionWriter:
    """The in-process writer these settings describe."""
    concurrency = settings.conversion_writers or (1 if db.is_sqlite else 2)
    return ConversionWriter(db, max_batch=settings.conversion_batch_max, concurrency=concurrency)


def install(state: AppState) -> DraftRecorder:
    """Create the process's writer (in a writer process unless
    ``conversion_writer_process`` is off) as ``state.components["conversion_writer"]``."""
    writer: DraftRecorder
    if state.settings.conversion_writer_process:
        from clicktrail.conversion.writer_process import ProcessConversionWriter

        writer = ProcessConversionWriter(state.settings)
    else:
        writer = build(state.settings, state.db)
    state.components[ConversionWriter.name] = writer
    return writer
