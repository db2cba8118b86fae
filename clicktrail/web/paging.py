"""A page of a long list, for the ``pagination(page)`` macro."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass(frozen=True, slots=True)
class Page:
    number: int  # 1-based
    per_page: int
    total: int
    #: The other query parameters of the list (filters), kept in every page link.
    params: dict[str, str] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    def href(self, number: int) -> str:
        return "?" + urlencode({**self.params, "page": str(number)})
