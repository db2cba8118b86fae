"""The group-commit writer: batches concurrent postbacks, answers only after the commit."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from clicktrail.app import ClicktrailApp, create_app
from clicktrail.config import Settings
from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.writer import ConversionWriter, WriterStopped
from clicktrail.conversion.writer_process import ProcessConversionWriter
from clicktrail.db import Database
from clicktrail.errors import ValidationFailed
from clicktrail.models import Conversion
from clicktrail.models.rollup import TABLES
from tests.fixtures.factories import make_affiliate, make_click, make_offer


async def _count(db: Database) -> int:
    async with db.read() as session:
        return int(await session.scalar(select(func.count()).select_from(Conversion)) or 0)


def _draft(tid: str, sale_amount: Decimal | None = None) -> ConversionDraft:
    return ConversionDraft(
        source="postback",
        transaction_id=tid,
        strict=False,
        verification_token="",
        sale_amount=sale_amount,
    )


async def test_concurrent_postbacks_are_committed_before_answers(db: Database) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    clicks = [await make_click(db, offer, affiliate) for _ in range(30)]
    writer = ConversionWriter(db, max_batch=8)
    await writer.start()
    try:
        results = await asyncio.gather(*(writer.submit(_draft(c.transaction_id)) for c in clicks))
        # Every answered conversion is readable by another session: it was committed.
        async with db.read() as session:
            stored = set(await session.scalars(select(Conversion.conversion_id)))
    finally:
        await writer.stop()
    assert {r.conversion.conversion_id for r in results} == stored
    assert len(stored) == 30
    assert {r.conversion.status for r in results} == {"approved"}


async def test_one_bad_draft_fails_alone(db: Database) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    good = [await make_click(db, offer, affiliate) for _ in range(3)]
    writer = ConversionWriter(db)
    await writer.start()
    try:
        outcomes = await asyncio.gather(
            writer.submit(_draft(good[0].transaction_id)),
            writer.submit(_draft(good[1].transaction_id, sale_amount=Decimal(-1))),
            writer.submit(_draft(good[2].transaction_id)),
            return_exceptions=True,
        )
    finally:
        await writer.stop()
    assert isinstance(outcomes[1], ValidationFailed)
    assert not isinstance(outcomes[0], BaseException)
    assert not isinstance(outcomes[2], BaseException)
    assert await _count(db) == 2


async def test_duplicates_in_one_batch_are_rejected(db: Database) -> None:
    offer = await make_offer(db)
    click = await make_click(db, offer, await make_affiliate(db))
    writer = ConversionWriter(db)
    await writer.start()
    try:
        results = await asyncio.gather(
            *(writer.submit(_draft(click.transaction_id)) for _ in range(4))
        )
    finally:
        await writer.stop()
    assert sorted(r.conversion.error_code for r in results) == [0, 8, 8, 8]


async def test_stop_drains_and_then_refuses(db: Database) -> None:
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    clicks = [await make_click(db, offer, affiliate) for _ in range(5)]
    writer = ConversionWriter(db)
    await writer.start()
    pending = [asyncio.create_task(writer.submit(_draft(c.transaction_id))) for c in clicks]
    await asyncio.sleep(0)  # let the submissions queue
    await writer.stop()
    assert all(task.done() and not task.exception() for task in pending)
    assert await _count(db) == 5
    with pytest.raises(WriterStopped):
        await writer.submit(_draft(clicks[0].transaction_id))


async def test_app_registers_and_runs_the_writer(app: ClicktrailApp) -> None:
    writer = app.state.components["conversion_writer"]
    assert isinstance(writer, ProcessConversionWriter)
    receipt = await writer.record(_draft("a" * 32))
    assert receipt.error_code == 13
    assert receipt.status == "invalid"


async def test_app_writes_in_process_when_told(settings: Settings) -> None:
    app = create_app(settings.model_copy(update={"conversion_writer_process": False}))
    await app.state.start()
    try:
        writer = app.state.components["conversion_writer"]
        assert isinstance(writer, ConversionWriter)
        receipt = await writer.record(_draft("b" * 32))
    finally:
        await app.state.stop()
    assert receipt.error_code == 13


RollupEntityHour = TABLES[("entity", "hour")]


@pytest.mark.parametrize("concurrency", [1, 2])
async def test_batches_in_flight_keep_every_rule(db: Database, concurrency: int) -> None:
    """Two batches in flight (PostgreSQL's default): every click converts once, replays of
    the same click are refused as duplicates, and the rollup counts what is stored."""
    offer = await make_offer(db)
    affiliate = await make_affiliate(db)
    clicks = [await make_click(db, offer, affiliate) for _ in range(40)]
    writer = ConversionWriter(db, max_batch=6, concurrency=concurrency)
    await writer.start()
    try:
        drafts = [_draft(c.transaction_id) for c in clicks for _ in range(3)]
        results = await asyncio.gather(*(writer.submit(d) for d in drafts))
    finally:
        await writer.stop()
    approved = [r.conversion for r in results if r.conversion.status == "approved"]
    assert sorted(c.transaction_id or "" for c in approved) == sorted(
        c.transaction_id for c in clicks
    )
    assert sum(1 for r in results if r.conversion.error_code == 8) == 80  # duplicates
    assert await _count(db) == 120
    async with db.read() as session:
        rolled = await session.scalar(
            select(func.sum(RollupEntityHour.c.cv) + func.sum(RollupEntityHour.c.invalid_cv))
        )
    assert rolled == 120
