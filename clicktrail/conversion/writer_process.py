"""The server side of the conversion writer process (ADR 0026).

One server process is one Python thread: under load, answering HTTP and recording batches
(pricing, the 49-column insert, rollup keys) took turns on it, and it saturated a core
while the other stayed half idle. ``ProcessConversionWriter`` keeps the same contract as
the in-process ``ConversionWriter`` (``record`` returns only after the conversion is
committed) but hands each draft to a writer process of its own
(clicktrail/conversion/writer_child.py), which runs the group-commit writer there.

Drafts submitted in one loop iteration share one frame; replies come back the same way.
The process is started a little after the server (a short-lived app never starts it), or
by the first postback. If it dies, the postbacks it had not answered fail with
``WriterStopped`` (a 503: the advertiser retries; some of them may have been committed,
and a retry of those is refused as a duplicate, as after a server crash), and the next
postback starts a new process.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sys

import structlog

from clicktrail.config import Settings
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.writer import (
    Failure,
    Receipt,
    WriterStopped,
    running_writer,
    set_running,
)
from clicktrail.errors import ClicktrailError
from clicktrail.kit import frames
from clicktrail.kit.children import close_stdin_and_wait
from clicktrail.kit.orphans import child_env

log = structlog.get_logger("clicktrail.conversion.writer")

#: Seconds after start before the writer process is started without waiting for a postback.
PRESTART_SECONDS = 2.0
#: Seconds the writer process may take to import and connect.
READY_SECONDS = 60.0
#: Seconds ``stop`` waits for answers and for the process to exit.
STOP_SECONDS = 30.0


class RecordFailed(ClicktrailError):
    """The writer process could not record a draft (its error, rebuilt here)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message, field=failure.field)
        self.status_code = failure.status_code


def _raise_for(failure: Failure) -> BaseException:
    if failure.stopped:
        return WriterStopped(failure.message)
    return RecordFailed(failure)


class ProcessConversionWriter:
    """A background service (``state.components["conversion_writer"]``)."""

    name = "conversion_writer"

    def __init__(self, settings: Settings) -> None:
        self._config = settings.model_dump(mode="json")
        self._process: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task[None] | None = None
        self._spawning = asyncio.Lock()
        self._seq = itertools.count()
        #: Drafts not yet written to the process, and those it has not answered.
        self._outbox: list[tuple[int, ConversionDraft, asyncio.Future[Receipt]]] = []
        self._inflight: dict[int, asyncio.Future[Receipt]] = {}
        self._flushing = False
        self._accepting = False
        self._prestart: asyncio.TimerHandle | None = None
        self._starting: asyncio.Future[None] | None = None

    async def start(self) -> None:
        self._accepting = True
        set_running(self)
        loop = asyncio.get_running_loop()
        self._prestart = loop.call_later(PRESTART_SECONDS, self._prestart_now)

    def _prestart_now(self) -> None:
        self._prestart = None
        self._start_process()

    def _start_process(self) -> None:
        """Start the process (unless a start is under way) and then send what waits: one
        start at a time, however many postbacks arrive meanwhile."""
        if self._starting is None or self._starting.done():
            self._starting = asyncio.ensure_future(self._spawn_and_flush())

    async def record(self, draft: ConversionDraft) -> Receipt:
        """Hand ``draft`` to the writer process; return once it is committed."""
        if not self._accepting:
            raise WriterStopped("conversion writer is not running")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Receipt] = loop.create_future()
        self._outbox.append((next(self._seq), draft, future))
        if not self._flushing:
            self._flushing = True
            loop.call_soon(self._flush)
        return await future

    def _flush(self) -> None:
        self._flushing = False
        process = self._process
        if process is None or process.returncode is not None or self._reader is None:
            self._start_process()
            return
        items, self._outbox = self._outbox, []
        self._send(process, items)

    def _send(
        self,
        process: asyncio.subprocess.Process,
        items: list[tuple[int, ConversionDraft, asyncio.Future[Receipt]]],
    ) -> None:
        live = [(seq, draft, future) for seq, draft, future in items if not future.done()]
        if not live:
            return
        assert process.stdin is not None
        for seq, _draft, future in live:
            self._inflight[seq] = future
        process.stdin.write(frames.encode([(seq, draft) for seq, draft, _ in live]))

    async def _spawn_and_flush(self) -> None:
        try:
            process = await self._spawn()
        except Exception as exc:
            log.exception("conversion_writer_process_failed_to_start")
            items, self._outbox = self._outbox, []
            for _seq, _draft, future in items:
                if not future.done():
                    future.set_exception(WriterStopped(f"conversion writer process: {exc!r}"))
            return
        items, self._outbox = self._outbox, []
        self._send(process, items)

    async def _spawn(self) -> asyncio.subprocess.Process:
        async with self._spawning:
            process = self._process
            if process is not None and process.returncode is None and self._reader is not None:
                return process
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "clicktrail.conversion.writer_child",
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                env=child_env(),
                limit=frames.READ_LIMIT,
            )
            assert process.stdin is not None
            assert process.stdout is not None
            process.stdin.write(frames.encode(self._config))
            try:
                hello = await asyncio.wait_for(frames.read(process.stdout), READY_SECONDS)
            except (TimeoutError, asyncio.IncompleteReadError, OSError):
                hello = None
            if hello != "ready":
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
                raise WriterStopped("conversion writer process did not start")
            # Each process has its own map of unanswered postbacks: a reader that sees its
            # process end fails only those, never a successor's.
            self._process, self._inflight = process, {}
            self._reader = asyncio.create_task(self._read(process, self._inflight))
            return process

    async def _read(
        self,
        process: asyncio.subprocess.Process,
        inflight: dict[int, asyncio.Future[Receipt]],
    ) -> None:
        assert process.stdout is not None
        try:
            while (replies := await frames.read(process.stdout)) is not None:
                for seq, outcome in replies:
                    future = inflight.pop(seq, None)
                    if future is None or future.done():
                        continue
                    if isinstance(outcome, Failure):
                        future.set_exception(_raise_for(outcome))
                    else:
                        future.set_result(outcome)
        except (asyncio.IncompleteReadError, OSError):
            pass
        finally:
            if self._process is process:
                self._reader = None
            if inflight:
                log.error("conversion_writer_process_lost", unanswered=len(inflight))
            for future in inflight.values():
                if not future.done():
                    future.set_exception(WriterStopped("conversion writer process exited"))
            inflight.clear()

    async def stop(self) -> None:
        """Stop accepting, let the process write and answer what it has, then end it."""
        self._accepting = False
        if running_writer() is self:
            set_running(None)
        if self._prestart is not None:
            self._prestart.cancel()
            self._prestart = None
        if self._outbox:
            self._flush()
        if self._starting is not None and not self._starting.done():
            await asyncio.wait([self._starting], timeout=STOP_SECONDS)
        waiting = [f for f in self._inflight.values() if not f.done()]
        if waiting:
            await asyncio.wait(waiting, timeout=STOP_SECONDS)
        process, self._process = self._process, None
        if process is None:
            return
        await close_stdin_and_wait(process, STOP_SECONDS)
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)
