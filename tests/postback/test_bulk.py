"""The attempt in flight when a worker process dies is in the attempt log (issue 14, item 7):
a real ``clicktrail worker`` is killed mid-request against a slow loopback server."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from clicktrail.db import Database
from clicktrail.models import PostbackAttempt, PostbackDelivery
from clicktrail.postback.bulk import UNKNOWN_OUTCOME
from tests.postback.conftest import MakeWorker, Sink, World, add_conversion, add_pixel


def _worker_process(url: str, log: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env.update(
        CLICKTRAIL_DATABASE_URL=url,
        CLICKTRAIL_POSTBACK_ALLOW_PRIVATE="true",
        CLICKTRAIL_POSTBACK_TIMEOUT_SECONDS="30",
        CLICKTRAIL_POSTBACK_BATCH_SIZE="10",
        CLICKTRAIL_POSTBACK_CONCURRENCY="10",
        CLICKTRAIL_LOG_LEVEL="WARNING",
    )
    command = [str(Path(sys.executable).parent / "clicktrail"), "worker", "--lanes", "1"]
    with log.open("ab") as sink:
        return subprocess.Popen(
            command, env=env, stdout=sink, stderr=sink, start_new_session=True, cwd=log.parent
        )


@pytest.mark.slow
async def test_an_attempt_cut_by_a_killed_worker_is_logged_with_an_unknown_outcome(
    db: Database, sink: Sink, world: World, make_worker: MakeWorker, tmp_path: Path
) -> None:
    await add_pixel(
        db,
        network_affiliate_id=world.affiliate.network_affiliate_id,
        postback_url=sink.url("/slow?t={transaction_id}"),
    )
    conversion_id = await add_conversion(db, world.offer, world.affiliate)
    log = tmp_path / "worker.log"
    process = _worker_process(db.url.render_as_string(hide_password=False), log)
    try:
        deadline = time.monotonic() + 30
        while not sink.requests:  # the request is in flight: the server has not answered
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            await asyncio.sleep(0.05)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    sink.release.set()
    # The test clock is an hour ahead: the dead worker's lease has ended.
    assert await make_worker().run_once() == 1

    async with db.read() as session:
        attempts = list(
            await session.scalars(select(PostbackAttempt).order_by(PostbackAttempt.attempt_no))
        )
        delivery = (await session.scalars(select(PostbackDelivery))).one()
    assert delivery.conversion_id == conversion_id
    assert [(a.attempt_no, a.status_code) for a in attempts] == [(1, None), (2, 200)]
    assert attempts[0].error == UNKNOWN_OUTCOME
    assert attempts[0].url == sink.url(f"/slow?t={delivery.transaction_id}")
    assert (delivery.state, delivery.attempts, delivery.in_flight_since) == ("succeeded", 2, None)
