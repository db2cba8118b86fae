"""The background services a server process runs (click writer, postback worker, jobs).

Each domain that needs one adds it to ``build_services``.
"""

from __future__ import annotations

from clicktrail.state import AppState, Service


def build_services(state: AppState) -> list[Service]:
    services: list[Service] = []
    return services
