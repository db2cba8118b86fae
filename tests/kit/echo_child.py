"""A helper for tests/kit/test_bridge.py: ``python -m tests.kit.echo_child``.

Answers ``("echo", x)`` with ``(config, x)`` at once and ``("later", x)`` on the next loop
iteration; ``("exit",)`` ends the process without answering.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from clicktrail.kit import child


class _Echo:
    def __init__(self, config: Any) -> None:
        self.config = config

    def handle(self, seq: int, request: Any, reply: child.Reply) -> None:
        kind, *rest = request
        if kind == "exit":
            os._exit(3)
        if kind == "later":
            asyncio.get_running_loop().call_soon(reply, seq, (self.config, rest[0]))
            return
        reply(seq, (self.config, rest[0]))

    async def close(self) -> None:
        pass


async def setup(config: Any) -> _Echo:
    return _Echo(config)


if __name__ == "__main__":
    child.run(setup)
