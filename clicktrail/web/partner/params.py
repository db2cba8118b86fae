"""Query parameters of the partner pages, read leniently and validated here: a bad value
becomes a message beside its filter (the page answers 400), never a 500."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from clicktrail.kit.paging import PageRequest
from clicktrail.web.paging import Page

#: Rows per page of the portal's lists.
PAGE_SIZE = 50
MAX_PAGE = 100_000
#: Longest free-text filter (a sub value is at most 255 characters).
MAX_TEXT = 255
#: Longest date range a page asks for (the reports allow a year).
MAX_DAYS = 366


@dataclass
class Params:
    """Collects the validation errors of one request's query parameters by field."""

    errors: dict[str, str] = field(default_factory=dict)

    def page(self, raw: str | None, size: int = PAGE_SIZE) -> PageRequest:
        number = self.integer("page", raw, default=1, low=1, high=MAX_PAGE)
        return PageRequest(page=number, page_size=size)

    def integer(self, name: str, raw: str | None, *, default: int, low: int, high: int) -> int:
        text = (raw or "").strip()
        if not text:
            return default
        if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
            self.errors[name] = f"must be a whole number from {low} to {high}"
            return default
        return int(text)

    def text(self, name: str, raw: str | None) -> str:
        text = (raw or "").strip()
        if len(text) > MAX_TEXT:
            self.errors[name] = f"must be at most {MAX_TEXT} characters"
            return ""
        if any(ord(ch) < 32 for ch in text):
            self.errors[name] = "must not contain control characters"
            return ""
        return text

    def choice(self, name: str, raw: str | None, choices: tuple[str, ...], default: str) -> str:
        text = (raw or "").strip()
        if not text:
            return default
        if text not in choices:
            self.errors[name] = f"must be one of {', '.join(choices)}"
            return default
        return text

    def day(self, name: str, raw: str | None, default: date) -> date:
        text = (raw or "").strip()
        if not text:
            return default
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.errors[name] = "must be a date (YYYY-MM-DD)"
            return default

    def date_range(
        self, raw_from: str | None, raw_to: str | None, today: date, days: int = 7
    ) -> tuple[date, date]:
        """An inclusive range of local days; by default the last ``days`` days."""
        start = self.day("from", raw_from, today - timedelta(days=days - 1))
        end = self.day("to", raw_to, today)
        if "from" in self.errors or "to" in self.errors:
            return today - timedelta(days=days - 1), today
        if end < start:
            self.errors["to"] = "must not be before from"
        elif (end - start).days >= MAX_DAYS:
            self.errors["to"] = f"the range may not exceed {MAX_DAYS} days"
        else:
            return start, end
        return today - timedelta(days=days - 1), today


def pager(query: Mapping[str, str], page: PageRequest, total: int) -> Page:
    """The ``pagination(page)`` macro's page, keeping the list's other query parameters."""
    kept = {k: v for k, v in query.items() if k != "page" and v}
    return Page(number=page.page, per_page=page.page_size, total=total, params=kept)
