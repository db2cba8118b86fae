"""The server side of the conversion writer process (ADR 0026, ADR 0087).

One server process is one Python thread: under load, answering HTTP and recording batches
(pricing, the 49-column insert, rollup keys) took turns on it, and it saturated a core
while the other stayed half idle. ``ProcessConversionWriter`` keeps the same contract as
the in-process ``ConversionWriter`` (``record`` returns only after the conversion is
committed) but hands each draft to a writer process of its own
(clicktrail/conversion/writer_child.py), which runs the group-commit writer there.

The process is the shared child-process bridge's (clicktrail/kit/bridge.py): drafts
submitted in one loop iteration share one frame, replies come back the same way. It is
started a little after the server (a short-lived app never starts it), or by the first
postback. If it dies, the postbacks it had not answered fail with ``WriterStopped`` (a
503: the advertiser retries; some of them may have been committed, and a retry of those is
refused as a duplicate, as after a server crash), and the next postback starts a new
process.
"""

from __future__ import annotations

import asyncio
from typing import Any

from clicktrail.config import Settings
from clicktrail.conversion import jobs
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.jobs import Job
from clicktrail.conversion.pipe import Answered, answer_in, draft_out, job_out
from clicktrail.conversion.writer import (
    ConversionWriter,
    DraftRecorder,
    Failure,
    Receipt,
    WriterStopped,
    build,
    running_writer,
    set_running,
)
from clicktrail.errors import ClicktrailError
from clicktrail.kit.bridge import ChildLost, ChildProcess
from clicktrail.state import AppState

#: Seconds after start before the writer process is started without waiting for a postback.
PRESTART_SECONDS = 2.0
#: Seconds ``stop`` waits for answers and for the process to exit.
STOP_SECONDS = 30.0


class RecordFailed(ClicktrailError):
    """The writer process could not record a draft (its error, rebuilt here)."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(failure.message, field=failure.field)
        self.status_code = failure.status_code
        self.code = failure.code


def _raise_for(failure: Failure) -> BaseException:
    if failure.stopped:
        return WriterStopped(failure.message)
    return RecordFailed(failure)


class ProcessConversionWriter:
    """A background service (``state.components["conversion_writer"]``)."""

    name = "conversion_writer"

    def __init__(self, settings: Settings) -> None:
        # The writer process imports the job handlers this process registered (jobs.py).
        config = {**settings.model_dump(mode="json"), jobs.CONFIG_KEY: jobs.modules()}
        self._child = ChildProcess(
            "clicktrail.conversion.writer_child", config, label="conversion_writer"
        )
        self._accepting = False

    @property
    def _process(self) -> asyncio.subprocess.Process | None:
        """The writer process now running, if any (tests kill it)."""
        return self._child.process

    async def start(self) -> None:
        self._accepting = True
        set_running(self)
        self._child.prestart(PRESTART_SECONDS)

    async def record(self, draft: ConversionDraft) -> Receipt:
        """Hand ``draft`` to the writer process; return once it is committed."""
        if not self._accepting:
            raise WriterStopped("conversion writer is not running")
        try:
            outcome = answer_in(await self._child.call(draft_out(draft)))
        except ChildLost as exc:
            raise WriterStopped(str(exc)) from exc
        if isinstance(outcome, Failure):
            raise _raise_for(outcome)
        if isinstance(outcome, Answered):
            raise TypeError("a draft was answered as a job")
        return outcome

    async def run(self, job: Job) -> Any:
        """Hand ``job`` to the writer process; its answer once committed."""
        if not self._accepting:
            raise WriterStopped("conversion writer is not running")
        try:
            outcome = answer_in(await self._child.call(job_out(job)))
        except ChildLost as exc:
            raise WriterStopped(str(exc)) from exc
        if isinstance(outcome, Failure):
            raise _raise_for(outcome)
        if not isinstance(outcome, Answered):
            raise TypeError("a job was answered as a draft")
        return outcome.value

    async def stop(self) -> None:
        """Stop accepting, let the process write and answer what it has, then end it."""
        self._accepting = False
        if running_writer() is self:
            set_running(None)
        await self._child.stop(STOP_SECONDS)


def install(state: AppState) -> DraftRecorder:
    """Create the process's writer (in a writer process unless
    ``conversion_writer_process`` is off) as ``state.components["conversion_writer"]``."""
    writer: DraftRecorder
    if state.settings.conversion_writer_process:
        writer = ProcessConversionWriter(state.settings)
    else:
        writer = build(state.settings, state.db)
    state.components[ConversionWriter.name] = writer
    return writer
