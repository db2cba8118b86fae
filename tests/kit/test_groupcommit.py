"""kit.groupcommit: order, batching, overlapping commits and failures, domain-free."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

import pytest

from clicktrail.kit.groupcommit import GroupCommit, Split


class Down(Exception):
    pass


class Gone(Exception):
    pass


class Ledger:
    """Items are ints; a negative one is bad data; stores what each commit held."""

    def __init__(self, *, down: int = 0) -> None:
        self.commits: list[list[int]] = []
        self.retries: list[bool] = []
        self.down = down

    async def commit(
        self, items: Sequence[int], *, retry: bool, committing: Callable[[], None]
    ) -> list[int]:
        await asyncio.sleep(0)
        self.retries.append(retry)
        if self.down:
            self.down -= 1
            raise ConnectionError("reset")
        if any(i < 0 for i in items):
            raise Down("bad item")
        committing()
        await asyncio.sleep(0)
        self.commits.append(list(items))
        return [i * 10 for i in items]

    def is_data_error(self, exc: BaseException) -> bool:
        return isinstance(exc, Down)

    async def reconnect(self) -> None:
        pass

    def salvage(self, item: int) -> bool:
        return False

    def refused(self, item: int, exc: BaseException) -> BaseException:
        return ValueError(f"refused {item}")


def _writer(
    ledger: Ledger, *, split: Split = "halves", concurrency: int = 1
) -> GroupCommit[int, int]:
    return GroupCommit(
        ledger, label="test", max_batch=8, unavailable=Gone, split=split, concurrency=concurrency
    )


@pytest.mark.parametrize("concurrency", [1, 2])
async def test_every_item_is_answered_after_its_commit_in_order(concurrency: int) -> None:
    ledger = Ledger()
    writer = _writer(ledger, concurrency=concurrency)
    await writer.start()
    results = await asyncio.gather(*(writer.submit(n) for n in range(40)))
    await writer.stop()
    assert results == [n * 10 for n in range(40)]
    assert sorted(n for batch in ledger.commits for n in batch) == list(range(40))
    assert max(len(batch) for batch in ledger.commits) == 8
    assert [batch[0] for batch in ledger.commits] == sorted(b[0] for b in ledger.commits)


@pytest.mark.parametrize("split", ["halves", "singles"])
async def test_a_bad_item_fails_alone(split: Split) -> None:
    ledger = Ledger()
    writer = _writer(ledger, split=split)
    await writer.start()
    futures = [writer.submit(n) for n in (1, 2, -3, 4, 5)]
    outcomes = await asyncio.gather(*futures, return_exceptions=True)
    await writer.stop()
    assert outcomes[:2] + outcomes[3:] == [10, 20, 40, 50]
    assert isinstance(outcomes[2], ValueError)
    assert sorted(n for batch in ledger.commits for n in batch) == [1, 2, 4, 5]


async def test_connection_errors_retry_the_batch_as_possibly_stored() -> None:
    ledger = Ledger(down=2)
    writer = _writer(ledger)
    await writer.start()
    assert await writer.submit(7) == 70
    await writer.stop()
    assert ledger.retries == [False, True, True]


async def test_a_stopped_writer_refuses_items() -> None:
    writer = _writer(Ledger())
    await writer.start()
    await writer.stop()
    with pytest.raises(Gone):
        writer.submit(1)
