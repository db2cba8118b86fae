"""What a running process holds: settings, the database, and its background services."""

from __future__ import annotations

from typing import Any, Protocol

import structlog

from clicktrail.config import Settings
from clicktrail.db import Database

log = structlog.get_logger("clicktrail.state")


class Service(Protocol):
    """A background component started with the process and stopped before it exits."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class AppState:
    def __init__(self, settings: Settings, db: Database | None = None) -> None:
        self.settings = settings
        self.db = db or Database(
            settings.database_url, sqlite_synchronous=settings.sqlite_synchronous
        )
        self.services: list[Service] = []
        #: Per-domain runtime objects (caches, writers) by name, for endpoints to reach.
        self.components: dict[str, Any] = {}
        self.started = False

    async def start(self) -> None:
        for service in self.services:
            await service.start()
            log.info("service_started", service=service.name)
        self.started = True

    async def stop(self) -> None:
        for service in reversed(self.services):
            try:
                await service.stop()
            except Exception:
                log.exception("service_stop_failed", service=service.name)
        self.started = False
        await self.db.dispose()
