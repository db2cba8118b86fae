"""The query string of a console list page: search text, choice filters and the page number,
checked so a bad value is a message on the page (400), never a 500."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from clicktrail.kit.paging import PageRequest
from clicktrail.kit.search import MAX_SEARCH
from clicktrail.kit.wire import MAX_INT32
from clicktrail.meta.currencies import CURRENCIES
from clicktrail.web.paging import Page

#: Rows per list page.
PER_PAGE = 50
MAX_PAGE = 100_000


@dataclass
class ListQuery:
    text: str = ""
    #: Chosen filters (only the valid ones), as the form shows them again.
    filters: dict[str, str] = field(default_factory=dict)
    page: int = 1
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def request(self) -> PageRequest:
        return PageRequest(page=self.page, page_size=PER_PAGE)

    def page_of(self, total: int) -> Page:
        params = {"q": self.text, **self.filters}
        return Page(
            number=self.page,
            per_page=PER_PAGE,
            total=total,
            params={k: v for k, v in params.items() if v},
        )

    def choice(self, name: str) -> str | None:
        return self.filters.get(name) or None

    def number(self, name: str) -> int | None:
        value = self.filters.get(name)
        return int(value) if value else None


def has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def read_query(
    params: Mapping[str, str],
    choices: Mapping[str, Sequence[str]] | None = None,
    ids: Sequence[str] = (),
) -> ListQuery:
    """``q`` (name or id), each of ``choices`` (one of its values), each of ``ids`` (a
    positive id) and ``page``. Bad values are dropped and named in ``errors``."""
    query = ListQuery()
    text = params.get("q", "").strip()
    if len(text) > MAX_SEARCH:
        query.errors["q"] = f"Search at most {MAX_SEARCH} characters."
    elif has_control(text):
        query.errors["q"] = "Search text cannot hold control characters."
    else:
        query.text = text
    for name, allowed in (choices or {}).items():
        value = params.get(name, "").strip()
        if value and value not in allowed:
            query.errors[name] = f"Choose one of: {', '.join(allowed)}."
        elif value:
            query.filters[name] = value
    for name in ids:
        value = params.get(name, "").strip()
        if value and not (value.isdigit() and 1 <= int(value) <= MAX_INT32):
            query.errors[name] = "Choose one from the list."
        elif value:
            query.filters[name] = value
    page = params.get("page", "1").strip() or "1"
    if page.isdigit() and 1 <= int(page) <= MAX_PAGE:
        query.page = int(page)
    else:
        query.errors["page"] = f"The page must be a number from 1 to {MAX_PAGE}."
    return query


def options(values: Sequence[str]) -> list[tuple[str, str]]:
    """(value, label) pairs for a select: the label is the value, underscores as blanks."""
    return [(value, value.replace("_", " ")) for value in values]


def currency_options() -> list[tuple[str, str]]:
    return [(c.currency_id, f"{c.currency_id} · {c.name}") for c in CURRENCIES]
