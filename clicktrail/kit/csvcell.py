"""CSV cells that are safe to open in a spreadsheet (OWASP "CSV Injection", CWE-1236).

A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is
read as a formula by Excel, LibreOffice and Google Sheets (``=HYPERLINK(…)``,
``+cmd|' /C calc'!A0``, ``@SUM(…)``). Such a cell gets a leading single quote, which makes
it text and keeps it readable. Numbers (``int``, ``float``, ``Decimal``) are left alone, so
a negative amount stays a number, and every text cell is written in double quotes
(``QUOTING``), so a separator of another locale (``;``) inside a value cannot start a
new cell either.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, Final

#: First characters that make a spreadsheet read a cell as a formula.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: Quote every cell that is not a number.
QUOTING: Final = csv.QUOTE_NONNUMERIC


def cell(value: Any) -> Any:
    """``value`` as a safe cell: text that starts with a trigger gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


def cells(values: Iterable[Any]) -> list[Any]:
    """A row of safe cells."""
    return [cell(value) for value in values]


def writer(stream: Any) -> Any:
    """A ``csv.writer`` on ``stream`` with the quoting above and ``\\n`` line ends; give it
    rows of ``cells(...)``."""
    return csv.writer(stream, quoting=QUOTING, lineterminator="\n")
