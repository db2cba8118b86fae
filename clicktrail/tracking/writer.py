"""The group-commit click writer: a 302 is sent only after its click is committed.

Requests hand their click row to :meth:`ClickWriter.submit` and await the returned future.
One task drains the queue: everything queued while the previous batch was committing goes
into the next transaction (up to :data:`MAX_BATCH` rows), so the batch size follows the load
by itself: one click per commit when idle, hundreds under load, and no timer adds latency.
The future resolves to the click's ``is_unique`` once its batch is committed.

Failures: a connection problem reopens the sink and retries the batch with backoff for up
to :data:`RETRY_SECONDS`; a row problem splits the batch until the bad row is alone, and a
row that still fails is retried with its free-text fields emptied. A click whose write
fails for good makes its request fail (503): nothing is acknowledged that is not stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from typing import Any

import structlog

from clicktrail.ops.metrics import CLICK_BATCH_SECONDS, CLICKS
from clicktrail.tracking.sinks import ClickSink

log = structlog.get_logger("clicktrail.tracking.writer")

MAX_BATCH = 2000
RETRY_SECONDS = 5.0

#: Columns kept when a row has to be stored in its most basic form.
_FREE_TEXT = (
    "tracking_url",
    "referer",
    "user_agent",
    "source_id",
    "sub1",
    "sub2",
    "sub3",
    "sub4",
    "sub5",
    "coupon_code",
    "fbclid",
    "gclid",
    "ttclid",
    "user_id",
    "http_accept_language",
)


class WriterUnavailable(Exception):
    """The click could not be committed (writer stopped, or the database failed)."""


class PendingClick:
    __slots__ = ("future", "row", "window")

    def __init__(self, row: dict[str, Any], window: int, future: asyncio.Future[bool]) -> None:
        self.row = row
        self.window = window
        self.future = future


class ClickWriter:
    name = "click_writer"

    def __init__(self, sink: ClickSink, max_batch: int = MAX_BATCH) -> None:
        self.sink = sink
        self.max_batch = max_batch
        self._queue: deque[PendingClick] = deque()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._accepting = False
        self.batches = 0
        self.written = 0

    async def start(self) -> None:
        await self.sink.open()
        self._accepting = True
        self._task = asyncio.create_task(self._run(), name="click-writer")

    async def stop(self) -> None:
        """Stop taking clicks, commit every queued one, close the sink."""
        self._accepting = False
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        while self._queue:  # the task died: nothing may hang
            item = self._queue.popleft()
            if not item.future.done():
                item.future.set_exception(WriterUnavailable("click writer stopped"))
        await self.sink.close()

    @property
    def running(self) -> bool:
        return self._accepting

    def submit(self, row: dict[str, Any], window: int) -> asyncio.Future[bool]:
        """Queue ``row``; the future resolves (to is_unique) when it is committed."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        if not self._accepting:
            future.set_exception(WriterUnavailable("click writer is not running"))
            return future
        self._queue.append(PendingClick(row, window, future))
        if len(self._queue) == 1:
            self._wake.set()
        return future

    async def write(self, row: dict[str, Any], window: int) -> bool:
        return await self.submit(row, window)

    async def _run(self) -> None:
        while True:
            if not self._queue:
                if not self._accepting:
                    return
                await self._wake.wait()
                self._wake.clear()
                continue
            count = min(len(self._queue), self.max_batch)
            batch = [self._queue.popleft() for _ in range(count)]
            try:
                await self._commit(batch)
            except Exception:  # never let the writer die with futures pending
                log.exception("click_batch_crashed", size=len(batch))
                self._fail(batch, WriterUnavailable("click batch failed"))

    async def _commit(self, batch: list[PendingClick]) -> None:
        started = time.perf_counter()
        try:
            await self.sink.write(batch)
        except Exception as exc:
            log.warning("click_batch_failed", size=len(batch), error=repr(exc))
            if self.sink.is_data_error(exc):
                await self._isolate(batch)
            else:
                await self._retry(batch)
            return
        CLICK_BATCH_SECONDS.observe(time.perf_counter() - started)
        self._done(batch)

    def _done(self, batch: list[PendingClick]) -> None:
        self.batches += 1
        self.written += len(batch)
        invalid = 0
        for item in batch:
            if item.row["error_code"]:
                invalid += 1
            if not item.future.done():
                item.future.set_result(bool(item.row["is_unique"]))
        if len(batch) > invalid:
            CLICKS.labels("true").inc(len(batch) - invalid)
        if invalid:
            CLICKS.labels("false").inc(invalid)

    @staticmethod
    def _fail(batch: list[PendingClick], exc: Exception) -> None:
        for item in batch:
            if not item.future.done():
                item.future.set_exception(exc)

    async def _reopen(self) -> None:
        with contextlib.suppress(Exception):
            await self.sink.close()
        await self.sink.open()

    async def _retry(self, batch: list[PendingClick]) -> None:
        """Connection trouble: reopen and try again, with backoff, for a bounded time."""
        deadline = time.monotonic() + RETRY_SECONDS
        delay = 0.05
        while True:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
            try:
                await self._reopen()
                await self.sink.write(batch, retry=True)
            except Exception as exc:
                if self.sink.is_data_error(exc):
                    await self._isolate(batch)
                    return
                if time.monotonic() >= deadline:
                    log.error("click_batch_lost_database", size=len(batch), error=repr(exc))
                    self._fail(batch, WriterUnavailable("database unavailable"))
                    return
                continue
            self._done(batch)
            return

    async def _isolate(self, batch: list[PendingClick]) -> None:
        """A row is bad: split until it is alone, store it stripped, or fail only it."""
        if len(batch) > 1:
            middle = len(batch) // 2
            for half in (batch[:middle], batch[middle:]):
                try:
                    await self.sink.write(half)
                except Exception as exc:
                    if not self.sink.is_data_error(exc):
                        await self._retry(half)
                    else:
                        await self._isolate(half)
                else:
                    self._done(half)
            return
        item = batch[0]
        for column in _FREE_TEXT:
            item.row[column] = ""
        item.row["query_parameters"] = None
        try:
            await self.sink.write(batch)
        except Exception as exc:
            log.error(
                "click_row_rejected", transaction_id=item.row["transaction_id"], error=repr(exc)
            )
            self._fail(batch, WriterUnavailable("click could not be stored"))
        else:
            self._done(batch)
