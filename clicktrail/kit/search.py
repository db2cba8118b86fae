"""Free-text search over an entity's id and name, as the console's list pages offer it.

``name_or_id(id_column, name_column, text)`` matches rows whose name contains ``text``
(case-insensitive, with ``%`` and ``_`` taken literally) or, when ``text`` is a whole number
that fits a 32-bit id, whose id equals it. Blank text matches everything (None).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_

from clicktrail.kit.wire import MAX_INT32

#: Longest search text worth sending to the database; longer text is refused upstream.
MAX_SEARCH = 255


def name_or_id(id_column: Any, name_column: Any, text: str) -> ColumnElement[bool] | None:
    term = text.strip()
    if not term:
        return None
    by_name = name_column.icontains(term, autoescape=True)
    if term.isdigit() and int(term) <= MAX_INT32:
        return or_(id_column == int(term), by_name)
    return by_name  # type: ignore[no-any-return]
