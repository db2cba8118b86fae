"""The inter-process write lock: holders exclude each other, in one process or several."""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from pathlib import Path

import pytest

from clicktrail.kit.filelock import FileLock


def _hold_in_child(lock_path: str, journal: str, seconds: float) -> None:
    with FileLock(lock_path).hold_blocking():
        with open(journal, "a") as out:
            out.write("child-in\n")
        time.sleep(seconds)
        with open(journal, "a") as out:
            out.write("child-out\n")


async def test_a_holder_in_another_process_makes_us_wait(tmp_path: Path) -> None:
    lock_path, journal = str(tmp_path / "db.writelock"), tmp_path / "journal"
    journal.touch()
    child = multiprocessing.get_context("spawn").Process(
        target=_hold_in_child, args=(lock_path, str(journal), 0.3)
    )
    child.start()
    try:
        deadline = time.monotonic() + 20
        while "child-in" not in journal.read_text():
            assert time.monotonic() < deadline, "the child never took the lock"
            await asyncio.sleep(0.01)
        async with FileLock(lock_path).hold():
            with journal.open("a") as out:
                out.write("parent-in\n")
    finally:
        child.join(20)
    assert journal.read_text().split() == ["child-in", "child-out", "parent-in"]


async def test_two_holders_in_one_process_take_turns(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "db.writelock")
    inside = 0
    most = 0

    async def holder() -> None:
        nonlocal inside, most
        async with lock.hold():
            inside += 1
            most = max(most, inside)
            await asyncio.sleep(0.01)
            inside -= 1

    await asyncio.gather(*(holder() for _ in range(5)))
    assert most == 1


async def test_a_cancelled_waiter_does_not_keep_the_lock(tmp_path: Path) -> None:
    lock = FileLock(tmp_path / "db.writelock")
    async with lock.hold():
        waiter = asyncio.create_task(_hold_briefly(lock))
        await asyncio.sleep(0.05)
        waiter.cancel()
        await asyncio.gather(waiter, return_exceptions=True)
    # The cancelled waiter's thread got the lock after us and let it go at once.
    async with asyncio.timeout(5):
        async with lock.hold():
            pass


async def _hold_briefly(lock: FileLock) -> None:
    async with lock.hold():
        await asyncio.sleep(0)


async def test_a_waiter_gives_up_after_its_timeout(tmp_path: Path) -> None:
    path = tmp_path / "db.writelock"
    async with FileLock(path).hold():
        with pytest.raises(TimeoutError, match="write lock"):
            async with FileLock(path, timeout=0.2).hold():
                pass
    async with asyncio.timeout(5):
        async with FileLock(path).hold():
            pass
