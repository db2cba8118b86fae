"""kit.bridge and kit.child: requests to a real helper process, answers matched back."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from clicktrail.kit.bridge import ChildLost, ChildProcess

# Real processes: these tests signal and kill them (the suite runs helpers as threads).
pytestmark = pytest.mark.usefixtures("real_helper_processes")


@pytest.fixture
async def echo() -> ChildProcess:
    return ChildProcess("tests.kit.echo_child", "cfg", label="echo")


async def test_answers_come_back_to_their_request(echo: ChildProcess) -> None:
    try:
        answers = await asyncio.gather(
            *(echo.call(("later" if n % 2 else "echo", n)) for n in range(50))
        )
        assert answers == [("cfg", n) for n in range(50)]
    finally:
        await echo.stop(10)
    assert echo.process is None


async def test_a_request_that_is_not_plain_values_fails_alone(echo: ChildProcess) -> None:
    try:
        good = echo.call(("echo", 1))
        bad = echo.call(("echo", Decimal(1)))
        assert await good == ("cfg", 1)
        with pytest.raises(ValueError, match="unmarshallable"):
            await bad
    finally:
        await echo.stop(10)


async def test_a_dead_helper_fails_its_requests_and_is_replaced(echo: ChildProcess) -> None:
    try:
        assert await echo.call(("echo", 1)) == ("cfg", 1)
        first = echo.process
        with pytest.raises(ChildLost):
            await echo.call(("exit",))
        assert await echo.call(("echo", 2)) == ("cfg", 2)
        assert echo.process is not first
    finally:
        await echo.stop(10)


async def test_stop_cancels_a_pending_prestart_even_after_a_request_started_the_helper(
    echo: ChildProcess,
) -> None:
    echo.prestart(600)
    timer = echo._prestart
    assert timer is not None
    assert await echo.call(("echo", 1)) == ("cfg", 1)
    await echo.stop(10)
    assert timer.cancelled()  # it would otherwise start a helper for a stopped bridge
    assert echo.process is None
