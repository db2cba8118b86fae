"""What crosses the pipe to the conversion writer process, as plain values (ADR 0087).

Frames carry plain values only (clicktrail/kit/frames.py): a ``ConversionDraft`` goes as a
tuple of its fields in declaration order, with money as text and times in ISO 8601 (both
round-trip exactly); its ``attributes`` are JSON values already (they are stored in a JSON
column). An answer goes as ``("ok", receipt fields)`` or ``("fail", failure fields)``.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from decimal import Decimal
from typing import Any

from clicktrail.conversion.draft import ConversionDraft
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


def answer_out(outcome: Receipt | Failure) -> tuple[str, tuple[Any, ...]]:
    return ("fail" if isinstance(outcome, Failure) else "ok", tuple(outcome))


def answer_in(answer: tuple[str, tuple[Any, ...]]) -> Receipt | Failure:
    kind, values = answer
    return Failure(*values) if kind == "fail" else Receipt(*values)
