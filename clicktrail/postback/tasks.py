"""The postback delivery worker: claim due deliveries, fire them, record every attempt.

Several *lanes* run in one process, each a pipeline over its own batches: while batch N is
being sent, batch N+1 is already claimed and batch N-1's results are being written, so the
database work of every lane overlaps HTTP traffic instead of stalling the lanes (which
otherwise drift into step: all sending, then all writing). Every lane shares one aiohttp
session and one concurrency limit. Claims lease rows by moving ``next_attempt_at``
forward (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so any number of workers can run; on
SQLite ``BEGIN IMMEDIATE`` makes the claim itself exclusive). A worker that dies mid-batch
loses nothing: its rows come due again when the lease ends (at-least-once delivery).
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

import structlog

from clicktrail.config import Settings
from clicktrail.db import Database
from clicktrail.kit.timeutil import utcnow
from clicktrail.ops.metrics import POSTBACK_ATTEMPTS
from clicktrail.postback import bulk
from clicktrail.postback.backoff import RetryPolicy, equal_jitter
from clicktrail.postback.pixel_health import PixelHealth
from clicktrail.postback.repository import Claimed
from clicktrail.postback.sender import AttemptResult, PostbackSender, SenderLimits
from clicktrail.postback.webhook_send import WebhookMessages, is_webhook
from clicktrail.state import AppState, Service

log = structlog.get_logger("clicktrail.postback")

Clock = Callable[[], datetime]
SUCCESS = POSTBACK_ATTEMPTS.labels("success")
FAILURE = POSTBACK_ATTEMPTS.labels("failure")
BLOCKED = POSTBACK_ATTEMPTS.labels("blocked")


class DeliveryWorker:
    """A background service (``name``/``start``/``stop``) and a test/bench handle
    (``run_once``/``drain``)."""

    name = "postback-worker"

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        clock: Clock = utcnow,
        policy: RetryPolicy | None = None,
        sender: PostbackSender | None = None,
        lanes: int = 3,
    ) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.policy = policy or RetryPolicy(
            max_attempts=settings.postback_max_attempts,
            base_seconds=settings.postback_retry_base_seconds,
            cap_seconds=settings.postback_retry_cap_seconds,
            jitter=equal_jitter(),
        )
        self.sender = sender or PostbackSender(SenderLimits.of(settings))
        self.health = PixelHealth(
            threshold=settings.postback_disable_after_failures,
            window=timedelta(hours=settings.postback_disable_window_hours),
        )
        self.batch_size = settings.postback_batch_size
        self.lanes = max(1, lanes)
        # Long enough for two whole batches even if every request takes its full time on
        # every hop: a lane claims a batch while the one before it is still being sent
        # (ADR 0108). A worker that dies lets its rows come due again after this.
        rounds = math.ceil(self.batch_size / settings.postback_concurrency) + 1
        per_attempt = settings.postback_timeout_seconds * (settings.postback_max_redirects + 1)
        self.lease = timedelta(seconds=2 * rounds * per_attempt + 60)
        #: Requests in flight per lane; all lanes together use the concurrency setting.
        self.pumps = max(1, settings.postback_concurrency // self.lanes)
        #: Webhook deliveries (ADR 0105): their bodies and secrets, from claim to send.
        self.webhooks = WebhookMessages()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    # --- service -------------------------------------------------------------------------

    async def start(self) -> None:
        self._stopping.clear()
        await self.sender.start()
        self._tasks = [
            asyncio.create_task(self._lane(), name=f"postback-lane-{i}") for i in range(self.lanes)
        ]

    async def stop(self) -> None:
        self._stopping.set()
        if self._tasks:
            _done, pending = await asyncio.wait(self._tasks, timeout=self.lease.total_seconds())
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
            self._tasks = []
        await self.sender.close()

    async def _lane(self) -> None:
        failures = 0
        while not self._stopping.is_set():
            try:
                handled = await self.pipeline(self._stopping)
                failures = 0
            except Exception:
                failures += 1
                log.exception("postback_batch_failed")
                handled = 0
                await self._idle(min(30.0, self.settings.postback_poll_seconds * 2**failures))
                continue
            if handled == 0:
                await self._idle(self.settings.postback_poll_seconds)

    async def _idle(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)

    # --- one batch -----------------------------------------------------------------------

    async def claim(self) -> list[Claimed]:
        now = self.clock()
        async with self.db.write() as session:
            claimed = await bulk.claim_due(
                session,
                now=now,
                lease_until=now + self.lease,
                limit=self.batch_size,
                dialect=self.db.dialect,
            )
            await self.webhooks.load(session, claimed)
            return claimed

    async def send_all(self, claimed: Sequence[Claimed]) -> list[AttemptResult]:
        """Fire a batch with at most ``pumps`` requests in flight; results in batch order."""
        results: list[AttemptResult | None] = [None] * len(claimed)
        queue = iter(enumerate(claimed))

        async def pump() -> None:
            for index, item in queue:
                results[index] = await self.fire(item)

        await asyncio.gather(*(pump() for _ in range(min(self.pumps, len(claimed)))))
        return [r for r in results if r is not None]

    async def fire(self, item: Claimed) -> AttemptResult:
        """One attempt: a postback's GET, or a webhook's signed POST."""
        if is_webhook(item):
            return await self.webhooks.send(self.sender, item)
        return await self.sender.send(item.payload)

    async def run_once(self) -> int:
        """Claim one batch, fire it, record the results; returns the batch size."""
        claimed = await self.claim()
        if not claimed:
            return 0
        await self.record(claimed, await self.send_all(claimed))
        return len(claimed)

    async def pipeline(self, stopping: asyncio.Event | None = None) -> int:
        """One lane until nothing is due (or ``stopping`` is set): each batch is claimed
        while the one before it is sent, and recorded while the one after it is sent.
        Returns how many deliveries were handled.

        The guarantees are those of ``run_once``: a batch is claimed (leased) before it is
        sent and its results are written before the lane's next-but-one batch is sent. If
        the lane fails, a batch it claimed but did not send yet is released (due again at
        once, no attempt counted); what it sent and did not record comes due when its lease
        ends, and is logged as an attempt with an unknown outcome."""
        total = 0
        upcoming: asyncio.Task[list[Claimed]] | None = None
        recording: asyncio.Task[None] | None = None
        claimed = await self.claim()
        try:
            while claimed:
                if stopping is None or not stopping.is_set():
                    upcoming = asyncio.create_task(self.claim())
                batch, claimed = claimed, []  # sent from here on: never handed back
                results = await self.send_all(batch)
                if recording is not None:
                    await recording
                recording = asyncio.create_task(self.record(batch, results))
                total += len(batch)
                if upcoming is not None:
                    claimed, upcoming = await upcoming, None
            if recording is not None:
                await recording
                recording = None
        finally:
            await self._settle(upcoming, recording, claimed)
        return total

    async def _settle(
        self,
        upcoming: asyncio.Task[list[Claimed]] | None,
        recording: asyncio.Task[None] | None,
        unsent: Sequence[Claimed],
    ) -> None:
        """After a lane failed: let its background write finish and hand back the batches
        it claimed but never sent."""
        unsent = list(unsent)
        if recording is not None:
            with contextlib.suppress(Exception):
                await recording
        if upcoming is not None:
            with contextlib.suppress(Exception):
                unsent += await upcoming
        if unsent:
            with contextlib.suppress(Exception):
                async with self.db.write() as session:
                    await bulk.release(
                        session, [c.id for c in unsent], now=self.clock(), dialect=self.db.dialect
                    )

    async def drain(self) -> int:
        """Run every lane until nothing is due; returns how many deliveries were handled."""
        await self.sender.start()
        return sum(await asyncio.gather(*(self.pipeline() for _ in range(self.lanes))))

    # --- results -------------------------------------------------------------------------

    async def record(self, claimed: Sequence[Claimed], results: Sequence[AttemptResult]) -> None:
        now = self.clock()
        async with self.db.write() as session:
            # Pixel health first: it takes the pixel locks (and pauses the deliveries of a
            # pixel it disables; the result write below keeps them paused).
            outcomes = [
                (c.network_pixel_id, r)
                for c, r in zip(claimed, results, strict=True)
                if c.network_pixel_id is not None  # webhooks have no pixel health
            ]
            inactive = await self.health.apply(
                session, outcomes, now=now, lock=not self.db.is_sqlite
            )
            updates, attempts = self._results(claimed, results, inactive, now)
            await bulk.write_results(session, updates, attempts, dialect=self.db.dialect)
        ok = sum(r.ok for r in results)
        blocked = sum(r.blocked for r in results)
        SUCCESS.inc(ok)
        FAILURE.inc(len(results) - ok - blocked)
        BLOCKED.inc(blocked)

    def _results(
        self,
        claimed: Sequence[Claimed],
        results: Sequence[AttemptResult],
        inactive: set[int],
        now: datetime,
    ) -> tuple[list[bulk.DeliveryResult], list[bulk.AttemptRow]]:
        """The delivery updates and attempt rows of a batch. A failure on a pixel that is
        inactive (or was just disabled) waits paused, even after its last retry, so it is
        sent when the pixel is active again rather than lost."""
        attempts: list[bulk.AttemptRow] = []
        updates: list[bulk.DeliveryResult] = []
        for item, result in zip(claimed, results, strict=True):
            number = item.attempts + 1
            in_run = number - item.retry_base
            failed = item.failed_attempts + (0 if result.ok else 1)
            if result.ok:
                state, next_at = "succeeded", now
            elif item.network_pixel_id in inactive:
                state, next_at = "paused", now
            elif self.policy.gives_up(in_run):
                state, next_at = "failed", now
            else:
                state = "pending"
                next_at = now + timedelta(seconds=self.policy.delay(in_run))
            attempts.append(
                bulk.AttemptRow(
                    delivery_id=item.id,
                    attempt_no=number,
                    attempted_at=result.started_at,
                    url=result.url,
                    status_code=result.status_code,
                    duration_ms=result.duration_ms,
                    error=result.error,
                    response_excerpt=result.excerpt,
                )
            )
            updates.append(
                bulk.DeliveryResult(
                    id=item.id,
                    state=state,
                    attempts=number,
                    failed_attempts=failed,
                    next_attempt_at=next_at,
                    last_attempt_at=result.started_at,
                    delivered_at=now if result.ok else None,
                    last_status_code=result.status_code,
                    debug_information=result.debug_information(),
                    updated_at=now,
                )
            )
        return updates, attempts


def install(state: AppState) -> list[Service]:
    """The postback worker ``serve`` runs, unless CLICKTRAIL_WORKER_ENABLED=false."""
    if not state.settings.worker_enabled:
        return []
    worker = DeliveryWorker(state.db, state.settings)
    state.components["postback_worker"] = worker
    return [worker]
