"""Jobs: other domains' writes that ride in the conversion writer's batches (ADR 0107).

A job is a kind and a plain payload (JSON-able values: it may cross the pipe to the writer
process). A domain registers one handler per kind when its module is imported; the writer
runs every job of a batch through its kind's handler, in the batch's transaction, after
the batch's advertiser postbacks, and answers each job once that transaction committed.

A handler gets the session and the payloads of one kind, in submission order, and returns
one value per payload: a plain value (the answer) or a ``ClicktrailError`` *instance* (that
job alone is refused, having written nothing). Raising fails the whole batch: the writer
then retries its items one per transaction, so only the bad one fails.

The writer process imports the modules of the handlers registered in the server process
(``modules()``), so a handler lives in its own domain and the conversion package never
imports it.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

Handler = Callable[[AsyncSession, Sequence[Any]], Awaitable[Sequence[object]]]

#: The writer process's configuration key for the handler modules it imports.
CONFIG_KEY = "conversion_job_modules"

_handlers: dict[str, Handler] = {}


@dataclass(slots=True, frozen=True)
class Job:
    """One write of another domain for the conversion writer: ``kind`` names its handler."""

    kind: str
    payload: Any


def register(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def handler(kind: str) -> Handler:
    found = _handlers.get(kind)
    if found is None:
        raise LookupError(f"no conversion writer job of kind {kind!r}")
    return found


def modules() -> list[str]:
    """The modules that registered a handler in this process (for the writer process)."""
    return sorted({h.__module__ for h in _handlers.values()})


def load(names: Iterable[str]) -> None:
    """Import handler modules by name (the writer process, from the server's ``modules``)."""
    for name in names:
        importlib.import_module(name)
