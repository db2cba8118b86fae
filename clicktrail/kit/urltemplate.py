"""URL templates with ``{macros}``: macros may fill the path, query and fragment only.

A macro in the scheme or the authority (userinfo, host, port) lets whoever supplies its
value choose where the URL goes: ``https://{sub1}/landing`` is an open redirect, and a
postback URL ``http://{sub1}:8080/`` lets a visitor pick the host a server calls. So a
template is refused when a brace stands before the end of its authority, and a rendered URL
is used only when it keeps the template's origin (``keeps_origin``).

Parsers disagree on where the authority ends: browsers (WHATWG) end it at a backslash too,
Python's ``urlsplit`` and yarl do not (``https://a.example\\@{sub1}/`` has the host
``{sub1}`` for them). So the origin is read the longer way: from the start to the first
``/``, ``?`` or ``#`` after ``scheme://`` (or ``scheme:\\\\``), and no brace may stand in it.
A template that does not start with ``scheme://authority`` has no origin and is refused too.
Rendered values are expected to be percent-encoded, so a value can never end the authority
early or add one.
"""

from __future__ import annotations

import re

#: ``scheme://authority``: the scheme, then two slashes (or backslashes), then everything
#: up to the first path, query or fragment delimiter.
_ORIGIN = re.compile(r"([^:/\\?#]*):[/\\]{2}([^/?#]*)")
_BRACES = ("{", "}")

NO_ORIGIN = "must start with a scheme and a host (scheme://host/…)"
MACRO_IN_ORIGIN = (
    "must not have a macro in its scheme, host, port or user part; "
    "macros may fill the path and query only"
)


class UnsafeTemplate(ValueError):
    """The template's scheme or authority holds a macro, or it has no origin."""


def _has_brace(text: str) -> bool:
    return any(brace in text for brace in _BRACES)


def split_origin(url: str) -> tuple[str, str] | None:
    """``(origin, rest)`` of an absolute URL (``("https://a.example:8443", "/p?q")``), or
    None when it does not start with ``scheme://``."""
    match = _ORIGIN.match(url)
    if match is None:
        return None
    return url[: match.end()], url[match.end() :]


def origin(template: str) -> str:
    """The template's ``scheme://authority``; raises UnsafeTemplate when it holds a macro (a
    brace) or when the template has no such start."""
    parts = split_origin(template)
    if parts is None:
        raise UnsafeTemplate(MACRO_IN_ORIGIN if _has_brace(template) else NO_ORIGIN)
    if _has_brace(parts[0]):
        raise UnsafeTemplate(MACRO_IN_ORIGIN)
    return parts[0]


def problem(template: str) -> str | None:
    """Why ``template`` may not be saved, or None when its macros stay in path and query."""
    try:
        origin(template)
    except UnsafeTemplate as exc:
        return str(exc)
    return None


def keeps_origin(rendered: str, expected: str) -> bool:
    """True when ``rendered`` has exactly the origin ``expected`` (scheme and authority
    compared without regard to case)."""
    parts = split_origin(rendered)
    return parts is not None and parts[0].lower() == expected.lower()
