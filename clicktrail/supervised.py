"""The app factory of ``serve --workers N``'s worker processes.

Each worker ends (gracefully: uvicorn handles SIGTERM) when the supervisor that started it
dies, even by ``kill -9``, so no worker keeps serving the port after it (ADR 0070).
"""

from __future__ import annotations

import signal

from clicktrail.app import ClicktrailApp
from clicktrail.kit.orphans import die_with_parent


def create_app() -> ClicktrailApp:
    die_with_parent(signal.SIGTERM)
    from clicktrail.app import create_app as build

    return build()
