"""Which high-cardinality values get their own rollup rows (the value cube's cap).

sub1..sub5, source_id and city can be as many as the clicks (ad networks put their own
click ids in sub1). A rollup keyed on them would grow as large as the raw table and
slow down every write and report. So, per UTC day and dimension, the first
``per_day`` distinct values (and at most ``per_affiliate`` introduced by any one affiliate)
are *admitted* and keep their own rows; later new values that day are counted under
:data:`clicktrail.models.rollup.OTHER`. Totals stay exact; only the per-value breakdown of a
day past its cap is lumped. The empty value is always admitted and never counted.

The admitted set lives in process memory (bounded: a few days x 7 dims x ``per_day``
values). A restart or a second writer process starts a fresh budget, so the cap is soft:
at most ``per_day`` new values per day per writer process lifetime. ADR 0041.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from clicktrail.models.rollup import OTHER, VALUE_MAX

#: Days kept in memory (clicks arrive for "now"; late conversions fall back to the DB check).
KEEP_DAYS = 3


@dataclass
class _Day:
    values: dict[str, set[str]] = field(default_factory=dict)
    per_affiliate: dict[tuple[str, int], int] = field(default_factory=dict)


@dataclass
class Limits:
    per_day: int = 2000
    per_affiliate: int = 500


class Admission:
    """Admits values per (UTC day, dim) up to the limits. Not thread-safe: one event loop."""

    def __init__(self, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self._days: dict[int, _Day] = {}

    def configure(self, *, per_day: int, per_affiliate: int) -> None:
        self.limits = Limits(per_day=per_day, per_affiliate=per_affiliate)

    def reset(self) -> None:
        self._days.clear()

    def _day(self, day: int) -> _Day:
        state = self._days.get(day)
        if state is None:
            state = self._days[day] = _Day()
            if len(self._days) > KEEP_DAYS:
                for old in sorted(self._days)[: len(self._days) - KEEP_DAYS]:
                    del self._days[old]
        return state

    def is_admitted(self, day: int, dim: str, value: str) -> bool:
        state = self._days.get(day)
        return state is not None and value in state.values.get(dim, ())

    def admit(self, day: int, dim: str, affiliate_id: int, value: str) -> str:
        """The value to store for ``value``: itself when admitted, else OTHER."""
        if not value:
            return value
        state = self._day(day)
        known = state.values.setdefault(dim, set())
        if value in known:
            return value
        key = (dim, affiliate_id)
        used = state.per_affiliate.get(key, 0)
        if len(known) >= self.limits.per_day or used >= self.limits.per_affiliate:
            return OTHER
        known.add(value)
        state.per_affiliate[key] = used + 1
        return value


def clean_value(raw: object, size: int = VALUE_MAX) -> str:
    """A dimension value as stored in a rollup key: valid text without NUL, at most ``size``
    characters (a value that would break the batch's insert must never reach it)."""
    if raw is None:
        return ""
    text = raw if isinstance(raw, str) else str(raw)
    if not text.isascii():
        text = text.encode("utf-8", "replace").decode("utf-8")
    if "\x00" in text:
        text = text.replace("\x00", "")
    if len(text) > size:
        text = text[:size]
    if text == OTHER:
        return "(other)"
    return text


#: The process-wide admission state used by the write paths.
ADMISSION = Admission()
