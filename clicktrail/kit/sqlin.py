"""``column IN (a list bound at run time)`` in the form each database runs best.

SQLAlchemy's expanding IN renders one placeholder per value, so on PostgreSQL every list
length is a different statement text and asyncpg prepares it again (its statement cache
is keyed by text). ``column = ANY($1)`` with one array parameter is a single statement
for every length. SQLite has no arrays and prepares cheaply: expanding IN there.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def in_list(column: ColumnElement[Any], name: str, dialect: str) -> ColumnElement[bool]:
    """``column`` in the list bound as parameter ``name`` (pass a list or tuple)."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    return column.in_(bindparam(name, expanding=True))
