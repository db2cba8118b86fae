"""Running reports in tests: bodies at row limits, the check that a capped report is the
head of the whole one, and spies on the report's query paths."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

from clicktrail.db import Database
from clicktrail.report import service
from clicktrail.report.schemas import ReportIn

Request = tuple[dict[str, Any], int | None]
T = TypeVar("T")


class Reports:
    """Reports run on one engine in one event loop, as the app runs them: the engine's
    statement cache serves the statements a test builds again (the same report at
    another limit, or on another path). Use as a context manager."""

    def __init__(self, url: str) -> None:
        self._runner = asyncio.Runner()
        self.db = Database(url)

    def __enter__(self) -> Reports:
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._runner.run(self.db.dispose())
        finally:
            self._runner.close()

    def call(self, work: Coroutine[Any, Any, T]) -> T:
        """Run ``work`` in this object's event loop."""
        return self._runner.run(work)

    def run(self, requests: list[Request]) -> list[service.Report]:
        """Each (body, limit) reported in its own transaction (limit None: every row)."""
        return self.call(self._reports(requests))

    def limits(self, body: dict[str, Any], limits: list[int | None]) -> list[service.Report]:
        """``body`` reported once per limit."""
        return self.run([(body, limit) for limit in limits])

    async def _reports(self, requests: list[Request]) -> list[service.Report]:
        out = []
        for body, limit in requests:
            async with self.db.read() as session:
                report_in = ReportIn.model_validate(body)
                out.append(await service.run(session, report_in, limit=limit))
        return out


def run_reports(url: str, requests: list[Request]) -> list[service.Report]:
    """Each (body, limit) reported in its own transaction (limit None: every row)."""
    with Reports(url) as reports:
        return reports.run(requests)


def run_limits(url: str, body: dict[str, Any], limits: list[int | None]) -> list[service.Report]:
    """``body`` reported once per limit."""
    return run_reports(url, [(body, limit) for limit in limits])


def count_calls(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str) -> list[int]:
    """Replace ``owner.name`` by a spy that counts its calls (one item per call)."""
    calls: list[int] = []
    real = getattr(owner, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return calls


def check_head(full: service.Report, capped: service.Report, limit: int) -> None:
    """``capped`` is the first ``limit`` rows of ``full``, with its totals, incomplete
    exactly when rows were left out."""
    assert not full.incomplete
    assert [(k, list(s)) for k, s in capped.rows] == [(k, list(s)) for k, s in full.rows[:limit]]
    assert capped.total == full.total
    assert capped.incomplete == (len(full.rows) > limit)
