"""Reading a list or report page's filters from its query string, with a message per field.

Every value is optional and bounded; a bad one is recorded in ``errors`` (field name ->
message) and replaced by its default, so the page can answer 400 with the form and the
messages beside the fields instead of failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

#: Longest text a filter box accepts.
MAX_TEXT = 255
#: Largest id a filter accepts (the ids are 32-bit).
MAX_ID = 2**31 - 1
#: Deepest page number a list accepts.
MAX_PAGE = 10_000


@dataclass
class Query:
    """The page's query parameters and what was wrong with them."""

    params: QueryParams
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str, *, lower: bool = False) -> str:
        value = self.params.get(name, "").strip()
        if len(value) > MAX_TEXT:
            self.errors[name] = f"At most {MAX_TEXT} characters."
            return ""
        return value.lower() if lower else value

    def choice(self, name: str, allowed: dict[str, str] | tuple[str, ...], default: str) -> str:
        value = self.params.get(name, "").strip()
        if value == "":
            return default
        if value not in allowed:
            self.errors[name] = "Choose one of the listed values."
            return default
        return value

    def choices(self, name: str, allowed: dict[str, str], *, most: int) -> list[str]:
        picked: list[str] = []
        for value in self.params.getlist(name)[: most * 4]:
            value = value.strip()
            if value == "" or value in picked:
                continue
            if value not in allowed:
                self.errors[name] = f"Unknown choice {value[:40]!r}."
                continue
            picked.append(value)
        if len(picked) > most:
            self.errors[name] = f"Pick at most {most}."
            picked = picked[:most]
        return picked

    def ident(self, name: str) -> int | None:
        value = self.params.get(name, "").strip()
        if value == "":
            return None
        if not value.isdigit() or not 0 < int(value) <= MAX_ID:
            self.errors[name] = "Enter a numeric id."
            return None
        return int(value)

    def integer(self, name: str, default: int, *, low: int, high: int) -> int:
        value = self.params.get(name, "").strip()
        if value == "":
            return default
        if not value.isdigit() or not low <= int(value) <= high:
            self.errors[name] = f"Enter a whole number from {low} to {high}."
            return default
        return int(value)

    def page(self) -> int:
        return self.integer("page", 1, low=1, high=MAX_PAGE)

    def day(self, name: str, default: date) -> date:
        value = self.params.get(name, "").strip()
        if value == "":
            return default
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.errors[name] = "Enter a date as YYYY-MM-DD."
            return default

    def date_range(self, today: date, *, days: int, most: int) -> tuple[date, date]:
        """``from`` and ``to`` (both included; default: the last ``days`` days to today),
        at most ``most`` days long."""
        last = self.day("to", today)
        first = self.day("from", last - timedelta(days=days - 1))
        if first > last:
            self.errors["from"] = "The start must not be after the end."
            first = last
        elif (last - first).days + 1 > most:
            self.errors["to"] = f"The range may span at most {most} days."
            last = first + timedelta(days=most - 1)
        return first, last


@dataclass(frozen=True, slots=True)
class Pager:
    """Previous/next links of a list whose filters repeat keys (``group=a&group=b``), for
    the ``console/_pager.html`` include; ``pages`` is 0 when the total is not counted."""

    number: int
    pages: int
    prev: str
    next: str


def pager(
    params: Sequence[tuple[str, str]],
    number: int,
    *,
    more: bool,
    total: int | None = None,
    per_page: int = 1,
) -> Pager:
    def href(n: int) -> str:
        return "?" + urlencode([*params, ("page", str(n))])

    pages = 0 if total is None else max(1, -(-total // per_page))
    return Pager(
        number=number,
        pages=pages,
        prev=href(number - 1) if number > 1 else "",
        next=href(number + 1) if more else "",
    )
