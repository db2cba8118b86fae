"""Field types for API request bodies: bounded, NUL-free text, 32-bit ids, http(s) URLs,
percentages. Every bound here exists so bad input becomes a 400, never a database error."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, PlainSerializer, StringConstraints

from clicktrail.kit import urltemplate
from clicktrail.kit.money import _to_number
from clicktrail.kit.timeutil import check_day, check_moment

#: Largest id a 32-bit INTEGER column holds (PostgreSQL ``integer``).
MAX_INT32 = 2**31 - 1


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _no_control(value: str) -> str:
    """Refuse control characters (Unicode category Cc: C0, DEL, C1; tabs and line breaks
    too): a name is one line of text, shown in consoles, CSV exports and logs."""
    for ch in value:
        if unicodedata.category(ch) == "Cc":
            raise ValueError(f"must not contain control characters (U+{ord(ch):04X})")
    return value


#: An entity's name (offers, advertisers, affiliates, networks, groups, incentives,
#: referrals): 1-255 characters once surrounding blanks are removed, no control characters.
Name = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=255),
    AfterValidator(_no_control),
]
#: The same, where a name may be left empty.
OptionalName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=255),
    AfterValidator(_no_control),
]
#: Free text up to 255 characters.
ShortText = Annotated[str, StringConstraints(max_length=255), AfterValidator(_no_nul)]
#: Free text up to 64 KiB (notes, descriptions).
LongText = Annotated[str, StringConstraints(max_length=65536), AfterValidator(_no_nul)]
#: A non-negative 32-bit integer (ids, counters).
Int32 = Annotated[int, Field(ge=0, le=MAX_INT32)]
#: A positive 32-bit integer id.
Id32 = Annotated[int, Field(ge=1, le=MAX_INT32)]


def is_http_url(value: str) -> bool:
    """True for an absolute http(s) URL with a host; macros such as ``{sub1}`` are allowed."""
    if any(ch.isspace() or ord(ch) < 32 for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


def _http_url(value: str) -> str:
    if not is_http_url(value):
        raise ValueError("must be an absolute http(s) URL")
    problem = urltemplate.problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value


def _http_url_or_empty(value: str) -> str:
    return value if value == "" else _http_url(value)


#: An absolute http(s) URL up to 8 KiB; macros only in its path and query
#: (``kit.urltemplate``: none in the scheme, host, port or user part).
HttpUrlText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=8192),
    AfterValidator(_no_nul),
    AfterValidator(_http_url),
]
#: The same, or the empty string (an optional URL).
OptionalHttpUrlText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, max_length=8192),
    AfterValidator(_no_nul),
    AfterValidator(_http_url_or_empty),
]
#: A percentage such as 12.5 (%): Decimal in, JSON number out; NUMERIC(9, 4) in the database.
Percent = Annotated[
    Decimal,
    Field(ge=0, max_digits=9, decimal_places=4),
    PlainSerializer(_to_number, return_type=float | int, when_used="json"),
]

#: A moment a request names (a conversion's time): 1970-01-01 up to 2099-12-31 (UTC).
Moment = Annotated[datetime, AfterValidator(check_moment)]
#: A day a request names (a rate's day): 1970-01-01 up to 2099-12-31.
Day = Annotated[date, AfterValidator(check_day)]
