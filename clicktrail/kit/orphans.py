"""Child processes that end when their parent dies, so nothing outlives the server.

A supervisor killed with ``kill -9`` cannot stop its children; without this they would go on
serving its port (and a restart would fail with "Address already in use"). A child calls
``die_with_parent`` first thing: on Linux the kernel sends it ``sig`` the moment its parent
exits (``prctl(PR_SET_PDEATHSIG)``), and on every platform a daemon thread watching the
parent pid sends the same signal if the parent changes (the fallback, also covering a
parent that died before the call). The spawner names itself with ``child_env()``, so a
child that finds itself already re-parented ends at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import sys
import threading

#: Set by a spawner to its own pid, for the children it starts.
PARENT_PID_ENV = "CLICKTRAIL_PARENT_PID"
PR_SET_PDEATHSIG = 1
#: How often the fallback watch looks at the parent pid, in seconds.
WATCH_SECONDS = 0.5


def child_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a child that should end with this process."""
    env = dict(os.environ if base is None else base)
    env[PARENT_PID_ENV] = str(os.getpid())
    return env


def expected_parent() -> int:
    """The parent this process was started by: the spawner's pid when it said so."""
    named = os.environ.get(PARENT_PID_ENV, "")
    return int(named) if named.isdigit() else os.getppid()


def _set_pdeathsig(sig: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _end(sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(os.getpid(), sig)


def _watch(parent: int, sig: int, stop: threading.Event) -> None:
    while not stop.wait(WATCH_SECONDS):
        if os.getppid() != parent:
            _end(sig)
            return


def die_with_parent(sig: int = signal.SIGTERM, *, parent: int | None = None) -> threading.Event:
    """End this process with ``sig`` when its parent dies; returns an event that stops the
    fallback watch (for tests)."""
    expected = expected_parent() if parent is None else parent
    _set_pdeathsig(sig)
    stop = threading.Event()
    if os.getppid() != expected:  # the parent died before we could ask the kernel
        _end(sig)
        return stop
    threading.Thread(
        target=_watch, args=(expected, sig, stop), name="parent-watch", daemon=True
    ).start()
    return stop
