"""Group commit: many waiters, one transaction per batch, each answered only after COMMIT.

Callers :meth:`GroupCommit.submit` an item and await the returned future. A task drains the
queue: everything queued while the previous batch was committing goes into the next
transaction (up to ``max_batch`` items), so batches follow the load by themselves (one
item per commit when idle, hundreds under load) and no timer adds latency. Each future
resolves to its item's result once the transaction holding it committed: nothing is
acknowledged that is not stored. Items are committed in the order they were submitted.

What a batch means is the domain's: a :class:`Batches` stores a list of items in one
transaction and returns their results. Failures are handled here, the same way for all:

* a *data* error (``is_data_error``: the items themselves are at fault) splits the batch,
  in halves or into single items, until the bad item is alone; a lone bad item gets one
  more try in its ``salvage`` form if the domain has one, then fails alone with the
  domain's ``refused`` error;
* any other error (the connection) reconnects and retries the batch, marked as possibly
  stored, with backoff for up to ``retry_seconds``; then the batch fails with
  ``unavailable("database unavailable")``.

With ``concurrency`` > 1 the next batch is taken as soon as the previous one calls its
``committing`` callback (all statements run, COMMIT starting), so a database's commit
overlaps the next batch's work; two batches' statements never overlap.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, Literal, Protocol, TypeVar

import structlog

log = structlog.get_logger("clicktrail.kit.groupcommit")

T = TypeVar("T")
R = TypeVar("R")
T_contra = TypeVar("T_contra", contravariant=True)
R_co = TypeVar("R_co", covariant=True)

Split = Literal["halves", "singles"]
_Waiting = tuple[T, "asyncio.Future[R]"]


class Batches(Protocol[T_contra, R_co]):
    """How one domain stores a batch: the only part of a group-commit writer it writes."""

    async def commit(
        self, items: Sequence[T_contra], *, retry: bool, committing: Callable[[], None]
    ) -> Sequence[R_co]:
        """Store ``items`` in one transaction, all or nothing; their results, in order.

        Call ``committing()`` once every statement ran, before COMMIT (optional).
        ``retry``: an earlier attempt of this batch may have committed (its answer was
        lost); stored items must be recognised, not stored twice."""
        ...

    def is_data_error(self, exc: BaseException) -> bool:
        """True when ``exc`` is about the items themselves (retrying them as they are fails)."""
        ...

    async def reconnect(self) -> None:
        """Reopen the connection after an error that was not a data error."""
        ...

    def salvage(self, item: T_contra) -> bool:
        """Turn a lone bad item into its most basic storable form; False if it has none."""
        ...

    def refused(self, item: T_contra, exc: BaseException) -> BaseException:
        """The error a lone item's waiter gets when it cannot be stored."""
        ...


def _nothing() -> None:
    pass


class GroupCommit(Generic[T, R]):
    """The queue and batch loop of one group-commit writer (a background service)."""

    def __init__(
        self,
        batches: Batches[T, R],
        *,
        label: str,
        max_batch: int,
        unavailable: Callable[[str], Exception],
        concurrency: int = 1,
        split: Split = "halves",
        retry_seconds: float = 5.0,
        skip_cancelled: bool = False,
        observe: Callable[[float], None] | None = None,
    ) -> None:
        """``label`` names the log events (``<label>_batch_failed`` …); ``unavailable``
        makes the error of an item refused because the writer is stopped or the database
        is gone; ``skip_cancelled`` drops items whose waiter gave up before their batch
        was taken; ``observe`` receives the seconds of each batch committed first time."""
        self.batches = batches
        self.label = label
        self.max_batch = max_batch
        self.unavailable = unavailable
        self.concurrency = max(1, concurrency)
        self.split = split
        self.retry_seconds = retry_seconds
        self.skip_cancelled = skip_cancelled
        self.observe = observe
        self._queue: deque[_Waiting[T, R]] = deque()
        self._wake = asyncio.Event()
        #: Held from taking a batch until its COMMIT starts.
        self._stage = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._accepting = False

    @property
    def running(self) -> bool:
        return self._accepting

    async def start(self) -> None:
        self._accepting = True
        self._tasks = [
            asyncio.create_task(self._run(), name=f"{self.label}-writer-{i}")
            for i in range(self.concurrency)
        ]
        for task in self._tasks:
            task.add_done_callback(self._ended)

    def _ended(self, task: asyncio.Task[None]) -> None:
        if self._accepting:  # a batch loop died: refuse new items rather than hang them
            log.error(f"{self.label}_writer_died")
            self._accepting = False

    async def stop(self) -> None:
        """Stop taking items, commit every queued one, end the batch loops."""
        self._accepting = False
        self._wake.set()
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._fail(list(self._queue), self.unavailable(f"{self.label} writer stopped"))
        self._queue.clear()

    def submit(self, item: T) -> asyncio.Future[R]:
        """Queue ``item``; the future resolves to its result once it is committed.

        Raises ``unavailable(...)`` when the writer is not running."""
        if not self._accepting:
            raise self.unavailable(f"{self.label} writer is not running")
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if len(self._queue) == 1:
            self._wake.set()
        return future

    async def _run(self) -> None:
        while True:
            await self._stage.acquire()
            held = True

            def release() -> None:
                nonlocal held
                if held:
                    held = False
                    self._stage.release()

            try:
                while not self._queue:
                    if not self._accepting:
                        return
                    self._wake.clear()
                    await self._wake.wait()
                count = min(len(self._queue), self.max_batch)
                batch = [self._queue.popleft() for _ in range(count)]
                if self.skip_cancelled:
                    batch = [w for w in batch if not w[1].cancelled()]
                if not batch:
                    continue
                try:
                    await self._first(batch, release)
                except Exception:  # never let the loop die with waiters pending
                    log.exception(f"{self.label}_batch_crashed", size=len(batch))
                    self._fail(batch, self.unavailable(f"{self.label} batch failed"))
            finally:
                release()

    async def _commit(
        self, batch: list[_Waiting[T, R]], retry: bool, committing: Callable[[], None]
    ) -> None:
        results = await self.batches.commit(
            [item for item, _ in batch], retry=retry, committing=committing
        )
        for (_, future), result in zip(batch, results, strict=True):
            if not future.done():
                future.set_result(result)

    async def _first(self, batch: list[_Waiting[T, R]], release: Callable[[], None]) -> None:
        started = time.perf_counter()
        try:
            await self._commit(batch, False, release)
        except Exception as exc:
            data = self.batches.is_data_error(exc)
            if len(batch) > 1 or not data:
                log.warning(f"{self.label}_batch_failed", size=len(batch), error=repr(exc))
            if data:
                await self._isolate(batch, exc)
            else:
                await self._retry(batch)
            return
        if self.observe is not None:
            self.observe(time.perf_counter() - started)

    async def _retry(self, batch: list[_Waiting[T, R]]) -> None:
        """Connection trouble: reconnect and try again, with backoff, for a bounded time."""
        deadline = time.monotonic() + self.retry_seconds
        delay = 0.05
        while True:
            await asyncio.sleep(delay)
            delay = min(delay * 2, 1.0)
            try:
                await self.batches.reconnect()
                await self._commit(batch, True, _nothing)
            except Exception as exc:
                if self.batches.is_data_error(exc):
                    await self._isolate(batch, exc)
                    return
                if time.monotonic() >= deadline:
                    log.error(f"{self.label}_batch_lost_database", size=len(batch), error=repr(exc))
                    self._fail(batch, self.unavailable("database unavailable"))
                    return
                continue
            return

    async def _isolate(self, batch: list[_Waiting[T, R]], exc: BaseException) -> None:
        """An item is bad: split until it is alone, salvage it, or fail only it."""
        if len(batch) > 1:
            if self.split == "halves":
                middle = len(batch) // 2
                parts = [batch[:middle], batch[middle:]]
            else:
                parts = [[waiting] for waiting in batch]
            for part in parts:
                try:
                    await self._commit(part, False, _nothing)
                except Exception as part_exc:
                    if self.batches.is_data_error(part_exc):
                        await self._isolate(part, part_exc)
                    else:
                        await self._retry(part)
            return
        item = batch[0][0]
        if self.batches.salvage(item):
            try:
                await self._commit(batch, False, _nothing)
            except Exception as salvage_exc:
                self._fail(batch, self.batches.refused(item, salvage_exc))
            return
        self._fail(batch, self.batches.refused(item, exc))

    @staticmethod
    def _fail(batch: Sequence[_Waiting[T, R]], exc: BaseException) -> None:
        for _, future in batch:
            if not future.done():
                future.set_exception(exc)
