"""The click row as a plain dict: column names, defaults and length limits, taken from the model.

The hot path builds one dict per click (keys = ``Click`` column names, the shape the rollup
contract expects) by copying :data:`DEFAULTS`, so every row always has every column. Every
string that comes from a visitor is clipped with :func:`clip` to its column's length (and
stripped of NUL, which PostgreSQL text refuses), so no value can make a batch fail.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, Numeric, String, Text

from clicktrail.models import Click

#: The longest value kept for an unbounded text column (subs, referer, user agent...).
TEXT_LIMIT = 1024
#: How many extra query parameters a click keeps, and the longest key kept.
MAX_EXTRA_PARAMS = 50
MAX_PARAM_KEY = 128

COLUMNS: tuple[str, ...] = tuple(c.name for c in Click.__table__.columns)


def _defaults() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for column in Click.__table__.columns:
        default = column.default.arg if column.default is not None else None
        if callable(default):
            default = None
        if default is None and not column.nullable:
            kind = column.type
            if isinstance(kind, Boolean):
                default = False
            elif isinstance(kind, Numeric):
                default = Decimal(0)
            elif isinstance(kind, Integer):
                default = 0
            elif isinstance(kind, String | Text):
                default = ""
        values[column.name] = default
    return values


def _limits() -> dict[str, int]:
    limits: dict[str, int] = {}
    for column in Click.__table__.columns:
        kind = column.type
        if isinstance(kind, JSON):
            continue
        if isinstance(kind, String):  # Text is a String with no length
            limits[column.name] = kind.length or TEXT_LIMIT
    return limits


#: Every column with its default; ``dict(DEFAULTS)`` is a blank click.
DEFAULTS: dict[str, Any] = _defaults()
#: Column -> longest string it takes.
LIMITS: dict[str, int] = _limits()


def clip(value: str, limit: int) -> str:
    """``value`` without NUL characters, cut to ``limit`` characters."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    return value[:limit] if len(value) > limit else value


def clip_column(name: str, value: str) -> str:
    return clip(value, LIMITS.get(name, TEXT_LIMIT))


def blank_row() -> dict[str, Any]:
    return DEFAULTS.copy()
