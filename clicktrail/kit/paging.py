"""Page-number paging as Everflow does it: ``?page=1&page_size=50`` in, and
``"paging": {"page", "page_size", "total_count"}`` out."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query
from pydantic import BaseModel

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 2000


@dataclass(frozen=True, slots=True)
class PageRequest:
    page: int
    page_size: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


class Paging(BaseModel):
    page: int
    page_size: int
    total_count: int


async def _page_request(
    page: Annotated[int, Query(ge=1, le=1_000_000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> PageRequest:
    return PageRequest(page=page, page_size=page_size)


#: A FastAPI dependency: the page asked for (400 naming ``page`` or ``page_size`` if invalid).
PageParams = Annotated[PageRequest, Depends(_page_request)]


def paging(request: PageRequest, total_count: int) -> Paging:
    return Paging(page=request.page, page_size=request.page_size, total_count=total_count)
