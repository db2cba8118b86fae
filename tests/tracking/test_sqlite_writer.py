"""The SQLite click writer process ends when its server closes its stdin, not on signals."""

from __future__ import annotations

import marshal
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

from clicktrail.kit.frames import HEADER, encode
from tests.fixtures.database import sqlite_copy


def _read(stream: IO[bytes]) -> Any:
    (size,) = HEADER.unpack(stream.read(HEADER.size))
    return marshal.loads(stream.read(size))


def test_signals_to_the_process_group_leave_it_running(
    sqlite_template: Path, tmp_path: Path
) -> None:
    url = sqlite_copy(sqlite_template, tmp_path)
    path = url.split("///", 1)[1]
    child = subprocess.Popen(
        [sys.executable, "-m", "clicktrail.tracking.sqlite_writer"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert child.stdin is not None
    assert child.stdout is not None
    try:
        child.stdin.write(encode((path, "FULL")))
        child.stdin.flush()
        assert _read(child.stdout) == "ready"
        # An empty batch answered: past start-up, its signal handlers are in place.
        child.stdin.write(encode([(7, ([], [], False))]))
        child.stdin.flush()
        assert _read(child.stdout) == [(7, ("ok", []))]
        os.kill(child.pid, signal.SIGINT)
        os.kill(child.pid, signal.SIGTERM)
        time.sleep(0.3)
        assert child.poll() is None
        child.stdin.close()
        assert child.wait(timeout=30) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
