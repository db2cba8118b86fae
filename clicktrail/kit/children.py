"""Helper processes a server starts and feeds over their stdin."""

from __future__ import annotations

import asyncio


async def close_stdin_and_wait(process: asyncio.subprocess.Process, grace: float) -> None:
    """End a helper that exits at EOF on its stdin: close it and wait, killing the helper
    if it is still running after ``grace`` seconds."""
    if process.stdin is not None:
        process.stdin.close()
    try:
        await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        process.kill()
        await process.wait()
