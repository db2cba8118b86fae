"""Destination URL macros: ``https://lp.example/?tid={transaction_id}&s1={sub1}``.

A URL is compiled once (when the cache loads its offer) into literal pieces and macro names;
rendering joins them with each value percent-encoded. An unknown macro renders empty. The
literal pieces are made safe for a ``Location`` header: control characters are dropped and
non-ASCII characters percent-encoded as UTF-8.

Macros may fill the path and query only (``kit.urltemplate``, ADR 0066): a template with a
macro in its scheme, host, port or user part renders as "" (never used: the caller falls
back as for an unknown link), and so does a rendered URL whose origin is not the template's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote

from clicktrail.kit import urltemplate

_MACRO = re.compile(r"\{([A-Za-z0-9_]{1,64})\}")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
#: Characters kept as they are in the literal parts of a URL.
_URL_SAFE = "!#$%&'()*+,-./:;=?@[]_~"

#: The macros a destination URL may use, mapped to the click value that fills them.
#: (``{affid}``/``{oid}`` are accepted as short aliases.)
MACROS: dict[str, str] = {
    "transaction_id": "transaction_id",
    "offer_id": "network_offer_id",
    "oid": "network_offer_id",
    "affiliate_id": "network_affiliate_id",
    "affid": "network_affiliate_id",
    "advertiser_id": "network_advertiser_id",
    "sub1": "sub1",
    "sub2": "sub2",
    "sub3": "sub3",
    "sub4": "sub4",
    "sub5": "sub5",
    "source_id": "source_id",
    "creative_id": "creative_id",
    "coupon_code": "coupon_code",
    "fbclid": "fbclid",
    "gclid": "gclid",
    "ttclid": "ttclid",
    "user_id": "user_id",
    "idfa": "idfa",
    "google_aid": "google_ad_id",
    "android_id": "android_id",
    "ip": "user_ip",
    "country_code": "country_code",
    "offer_url_id": "network_offer_url_id",
}


def _safe_literal(text: str) -> str:
    return quote(_CONTROL.sub("", text), safe=_URL_SAFE)


class UrlTemplate:
    """A compiled URL: ``render(values)`` substitutes and encodes the macros; "" when the
    template may not be used (``refusal`` says why) or the result left its origin."""

    __slots__ = ("_origin", "_parts", "refusal", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        #: Why this template is never rendered ("" when it may be).
        self.refusal = ""
        #: The rendered URL's expected ``scheme://authority`` (as its literal part renders).
        self._origin = ""
        try:
            self._origin = _safe_literal(urltemplate.origin(source))
        except urltemplate.UnsafeTemplate as exc:
            self.refusal = str(exc)
        parts: list[tuple[bool, str]] = []
        position = 0
        for match in _MACRO.finditer(source):
            if match.start() > position:
                parts.append((False, _safe_literal(source[position : match.start()])))
            parts.append((True, MACROS.get(match.group(1).lower(), "")))
            position = match.end()
        if position < len(source):
            parts.append((False, _safe_literal(source[position:])))
        self._parts: tuple[tuple[bool, str], ...] = tuple(parts)

    def render(self, values: Mapping[str, object]) -> str:
        out: list[str] = []
        append = out.append
        for is_macro, text in self._parts:
            if not is_macro:
                append(text)
                continue
            if not text:
                continue
            value = values.get(text)
            if value is None or value == "":
                continue
            value = str(value)
            # Ids, transaction ids and most subs are ASCII letters and digits: nothing to
            # encode (quote() would return them unchanged, at several times the cost).
            append(value if value.isalnum() and value.isascii() else quote(value, safe=""))
        rendered = "".join(out)
        if self.refusal or not urltemplate.keeps_origin(rendered, self._origin):
            return ""
        return rendered
