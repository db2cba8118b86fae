"""The group-commit writer: batching, and what happens when a batch fails."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from clicktrail.app import ClicktrailApp
from clicktrail.tracking import writer as writer_module
from clicktrail.tracking.unique import Pending
from clicktrail.tracking.writer import ClickWriter, WriterUnavailable
from tests.tracking.helpers import clicks, make_pair


class RowError(Exception):
    pass


class FakeSink:
    """Stores rows in memory; can be told to fail."""

    dialect = "fake"

    def __init__(self, *, fail_first: int = 0, poison: str | None = None) -> None:
        self.stored: list[dict[str, Any]] = []
        self.batches: list[int] = []
        self.retries = 0
        self.fail_first = fail_first
        self.poison = poison
        self.opened = 0

    async def open(self) -> None:
        self.opened += 1

    async def close(self) -> None:
        pass

    def is_data_error(self, exc: BaseException) -> bool:
        return isinstance(exc, RowError)

    async def write(self, items: Sequence[Pending], *, retry: bool = False) -> None:
        await asyncio.sleep(0.001)
        self.retries += retry
        if self.fail_first:
            self.fail_first -= 1
            raise OSError("connection reset")
        if self.poison and any(i.row["sub1"] == self.poison for i in items):
            raise RowError("bad row")
        for item in items:
            item.row["is_unique"] = True
        self.stored.extend(i.row for i in items)
        self.batches.append(len(items))


def _row(n: int, sub1: str = "") -> dict[str, Any]:
    return {"transaction_id": f"{n:032x}", "error_code": 0, "sub1": sub1, "is_unique": False}


async def _started(sink: FakeSink) -> ClickWriter:
    writer = ClickWriter(sink)
    await writer.start()
    return writer


async def test_concurrent_clicks_share_batches_and_all_commit() -> None:
    sink = FakeSink()
    writer = await _started(sink)
    results = await asyncio.gather(*(writer.write(_row(n), 0) for n in range(300)))
    await writer.stop()
    assert results == [True] * 300
    assert len(sink.stored) == 300
    assert len(sink.batches) < 300  # grouped: one commit served many requests
    assert max(sink.batches) > 1


async def test_connection_errors_are_retried_as_possibly_stored() -> None:
    sink = FakeSink(fail_first=2)
    writer = await _started(sink)
    assert await writer.write(_row(1), 0) is True
    await writer.stop()
    assert [r["transaction_id"] for r in sink.stored] == [f"{1:032x}"]
    assert sink.retries == 2  # both later attempts say the batch may be stored
    assert sink.opened == 3


async def test_a_bad_row_is_isolated_and_stored_stripped() -> None:
    sink = FakeSink(poison="evil")
    writer = await _started(sink)
    rows = [_row(n, "evil" if n == 7 else "ok") for n in range(20)]
    for column in writer_module._FREE_TEXT:
        rows[7].setdefault(column, "x")
    results = await asyncio.gather(*(writer.write(r, 0) for r in rows))
    await writer.stop()
    assert results == [True] * 20
    stored = {r["transaction_id"]: r for r in sink.stored}
    assert len(stored) == 20
    assert stored[f"{7:032x}"]["sub1"] == ""  # kept, without its free text


async def test_database_down_fails_the_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    sink = FakeSink(fail_first=10_000)
    writer = await _started(sink)
    monkeypatch.setattr(writer, "retry_seconds", 0.2)
    with pytest.raises(WriterUnavailable):
        await writer.write(_row(1), 0)
    await writer.stop()
    assert sink.stored == []


async def test_stopped_writer_refuses_new_clicks() -> None:
    writer = await _started(FakeSink())
    await writer.stop()
    with pytest.raises(WriterUnavailable):
        await writer.write(_row(1), 0)


async def test_unwritable_click_gets_503_not_a_redirect(
    app: ClicktrailApp, client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair = await make_pair(app)
    click_writer = app.state.components["click_writer"]
    monkeypatch.setattr(click_writer, "retry_seconds", 0.2)
    real_sink = click_writer.sink
    click_writer.sink = FakeSink(fail_first=10_000)
    try:
        response = await client.get(f"/c?oid={pair.oid}&affid={pair.affid}")
    finally:
        click_writer.sink = real_sink
    assert response.status_code == 503
    assert "location" not in response.headers
    assert response.headers["retry-after"] == "1"
    assert await clicks(app.state.db) == []


async def test_a_retried_batch_is_not_stored_twice(app: ClicktrailApp) -> None:
    """The real sinks: a batch re-sent after a lost answer finds its clicks already stored."""
    from clicktrail.tracking.draft import Visit
    from clicktrail.tracking.params import parse_query
    from clicktrail.tracking.writer import PendingClick

    pair = await make_pair(app)
    components = app.state.components["tracking"]
    drafts = [
        components.recorder.draft(pair.oid, pair.affid, parse_query(b"sub1=r"), Visit(ip="1.2.3.4"))
        for _ in range(3)
    ]
    items = [PendingClick(d.row, d.window) for d in drafts]
    sink = components.writer.sink
    await sink.write(items[:2])
    await sink.write(items, retry=True)
    stored = await clicks(app.state.db)
    assert sorted(c.transaction_id for c in stored) == sorted(
        d.row["transaction_id"] for d in drafts
    )
    assert [d.row["is_unique"] for d in drafts] == [True, False, False]
