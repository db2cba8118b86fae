"""The writer process: the same group-commit contract as the in-process writer, across a
real child process and its pipes."""

from __future__ import annotations

import asyncio
import os
import signal
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from clicktrail.config import Settings
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.writer import Receipt, WriterStopped
from clicktrail.conversion.writer_process import ProcessConversionWriter, RecordFailed
from clicktrail.db import Database
from clicktrail.models import Click, Conversion
from clicktrail.models.rollup import TABLES
from tests.fixtures.factories import make_affiliate, make_click, make_offer

RollupEntityHour = TABLES[("entity", "hour")]

# Real processes: these tests signal and kill them (the suite runs helpers as threads).
pytestmark = pytest.mark.usefixtures("real_helper_processes")


@pytest.fixture
async def writer(settings: Settings) -> AsyncIterator[ProcessConversionWriter]:
    """A started writer; stopped afterwards (stopping twice is harmless)."""
    started = ProcessConversionWriter(settings)
    await started.start()
    try:
        yield started
    finally:
        await started.stop()


def _draft(tid: str, *, strict: bool = False) -> ConversionDraft:
    return ConversionDraft(
        source="postback", transaction_id=tid, strict=strict, verification_token=""
    )


async def _clicks(db: Database, count: int) -> list[Click]:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    return [await make_click(db, offer, affiliate) for _ in range(count)]


async def _stored(db: Database) -> set[str]:
    async with db.read() as session:
        return set(await session.scalars(select(Conversion.conversion_id)))


async def test_answers_come_after_the_commit(db: Database, writer: ProcessConversionWriter) -> None:
    clicks = await _clicks(db, 25)
    drafts = [_draft(c.transaction_id) for c in clicks for _ in range(2)]
    receipts = await asyncio.gather(*(writer.record(d) for d in drafts))
    # Every answered conversion is readable by another connection: it was committed.
    stored = await _stored(db)
    assert {r.conversion_id for r in receipts} == stored
    assert len(stored) == 50
    approved = [r for r in receipts if r.status == "approved"]
    assert sorted(r.transaction_id or "" for r in approved) == sorted(
        c.transaction_id for c in clicks
    )
    assert sum(1 for r in receipts if r.error_code == 8) == 25  # the second of each: duplicate
    async with db.read() as session:
        rolled = await session.scalar(
            select(func.sum(RollupEntityHour.c.cv) + func.sum(RollupEntityHour.c.invalid_cv))
        )
    assert rolled == 50


async def test_errors_come_back_with_status_and_field(
    db: Database, writer: ProcessConversionWriter
) -> None:
    with pytest.raises(RecordFailed) as raised:
        await writer.record(_draft("c" * 32, strict=True))
    lenient = await writer.record(_draft("c" * 32))
    assert raised.value.status_code == 404
    assert raised.value.field == "transaction_id"
    assert lenient.status == "invalid"
    assert lenient.error_code == 13
    assert await _stored(db) == {lenient.conversion_id}


async def test_a_dead_process_is_replaced(db: Database, writer: ProcessConversionWriter) -> None:
    clicks = await _clicks(db, 6)
    await writer.record(_draft(clicks[0].transaction_id))
    process = writer._process
    assert process is not None
    os.kill(process.pid, signal.SIGKILL)
    # Right away, before anything noticed: each postback is either recorded by a new
    # process or refused (503, the advertiser retries); none is lost or doubled.
    first = await asyncio.gather(
        *(writer.record(_draft(c.transaction_id)) for c in clicks[1:]),
        return_exceptions=True,
    )
    assert all(isinstance(r, Receipt | WriterStopped) for r in first)
    retried = [
        await writer.record(_draft(c.transaction_id))
        for c, r in zip(clicks[1:], first, strict=True)
        if isinstance(r, WriterStopped)
    ]
    replacement = writer._process
    assert replacement is not None
    assert replacement.pid != process.pid
    await writer.record(_draft("9" * 32))
    assert writer._process is replacement  # one replacement, kept
    receipts = [r for r in first if isinstance(r, Receipt)] + retried
    assert len(receipts) == 5
    assert {r.status for r in receipts} == {"approved"}
    assert len(await _stored(db)) == 7


async def test_unanswered_postbacks_fail_when_the_process_dies(
    writer: ProcessConversionWriter,
) -> None:
    await writer.record(_draft("d" * 32))  # the process is up
    process = writer._process
    assert process is not None
    os.kill(process.pid, signal.SIGSTOP)  # it can no longer answer
    waiting = asyncio.ensure_future(writer.record(_draft("e" * 32)))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    os.kill(process.pid, signal.SIGKILL)
    with pytest.raises(WriterStopped):
        await waiting


async def test_stop_answers_everything_queued(
    db: Database, writer: ProcessConversionWriter
) -> None:
    clicks = await _clicks(db, 10)
    waiting = [asyncio.ensure_future(writer.record(_draft(c.transaction_id))) for c in clicks]
    await asyncio.sleep(0)  # queued, not yet sent: the process is not even started
    await writer.stop()
    receipts = [task.result() for task in waiting]
    assert {r.status for r in receipts} == {"approved"}
    assert await _stored(db) == {r.conversion_id for r in receipts}
    with pytest.raises(WriterStopped):
        await writer.record(_draft(clicks[0].transaction_id))


async def test_signals_to_the_process_group_do_not_cut_the_writer(
    writer: ProcessConversionWriter,
) -> None:
    await writer.record(_draft("f" * 32))
    process = writer._process
    assert process is not None
    os.kill(process.pid, signal.SIGINT)
    os.kill(process.pid, signal.SIGTERM)
    receipt = await writer.record(_draft("0" * 32))
    assert writer._process is process
    assert process.returncode is None
    await writer.stop()
    assert process.returncode == 0  # it ended at EOF, after answering
    assert receipt.error_code == 13
