"""What crosses the pipe to the conversion writer process, as plain values (ADR 0087).

Frames carry plain values only (clicktrail/kit/frames.py): a ``ConversionDraft`` goes as a
tuple of its fields in declaration order, with money as text and times in ISO 8601 (both
round-trip exactly); its ``attributes`` are JSON values already (they are stored in a JSON
column). An answer goes as ``("ok", receipt fields)`` or ``("fail", failure fields)``.

A job (``jobs.py``) goes as ``("job", kind, payload)``, its payload plain already, and is
answered ``("job", (answer,))`` or ``("fail", failure fields)``.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from clicktrail.conversion.draft import ConversionDraft
from clicktrail.conversion.jobs import Job
from clicktrail.conversion.writer import Failure, Receipt

_FIELDS = tuple(f.name for f in dataclasses.fields(ConversionDraft))
_MONEY = tuple(i for i, name in enumerate(_FIELDS) if name in {"sale_amount", "revenue", "payout"})
_TIMES = tuple(i for i, name in enumerate(_FIELDS) if name in {"created_at", "click_at"})


def draft_out(draft: ConversionDraft) -> tuple[Any, ...]:
    values = [getattr(draft, name) for name in _FIELDS]
    for i in _MONEY:
        if values[i] is not None:
            values[i] = str(values[i])
    for i in _TIMES:
        if values[i] is not None:
            values[i] = values[i].isoformat()
    return tuple(values)


def draft_in(values: tuple[Any, ...]) -> ConversionDraft:
    fields = list(values)
    for i in _MONEY:
        if fields[i] is not None:
            fields[i] = Decimal(fields[i])
    for i in _TIMES:
        if fields[i] is not None:
            fields[i] = datetime.fromisoformat(fields[i])
    return ConversionDraft(*fields)


class Answered(NamedTuple):
    """A job's answer, as its handler gave it."""

    value: Any


def job_out(job: Job) -> tuple[str, str, Any]:
    return ("job", job.kind, job.payload)


def request_in(values: tuple[Any, ...]) -> ConversionDraft | Job:
    """A request from the server: a job, or a draft (whose first field, ``source``, is
    never ``"job"``)."""
    if len(values) == 3 and values[0] == "job":
        return Job(values[1], values[2])
    return draft_in(values)


def answer_out(outcome: Receipt | Failure | Answered) -> tuple[str, tuple[Any, ...]]:
    if isinstance(outcome, Answered):
        return ("job", tuple(outcome))
    return ("fail" if isinstance(outcome, Failure) else "ok", tuple(outcome))


def answer_in(answer: tuple[str, tuple[Any, ...]]) -> Receipt | Failure | Answered:
    kind, values = answer
    if kind == "job":
        return Answered(*values)
    return Failure(*values) if kind == "fail" else Receipt(*values)
