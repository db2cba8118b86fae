"""Tracking-link query strings: which parameters a click keeps, and where.

Parsing never fails: invalid UTF-8 becomes U+FFFD, an over-long query string is cut at
:data:`MAX_QUERY_BYTES`, the first of duplicated parameters wins, and every value is clipped
to its column. Parameters with a column of their own (``sub1``, ``gclid``...) go there; every
other one is kept in ``query_parameters`` (Everflow keeps ``__cc`` there as well as filling
``coupon_code`` from it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote_plus

from clicktrail.tracking.rows import MAX_EXTRA_PARAMS, MAX_PARAM_KEY, TEXT_LIMIT, clip, clip_column

MAX_QUERY_BYTES = 16384

#: Query parameter -> click column.
COLUMN_PARAMS: dict[str, str] = {
    "sub1": "sub1",
    "sub2": "sub2",
    "sub3": "sub3",
    "sub4": "sub4",
    "sub5": "sub5",
    "source_id": "source_id",
    "coupon_code": "coupon_code",
    "fbclid": "fbclid",
    "gclid": "gclid",
    "ttclid": "ttclid",
    "user_id": "user_id",
    "idfa": "idfa",
    "idfa_md5": "idfa_md5",
    "idfa_sha1": "idfa_sha1",
    "google_aid": "google_ad_id",
    "google_aid_md5": "google_ad_id_md5",
    "google_aid_sha1": "google_ad_id_sha1",
    "google_ad_id": "google_ad_id",
    "google_ad_id_md5": "google_ad_id_md5",
    "google_ad_id_sha1": "google_ad_id_sha1",
    "android_id": "android_id",
    "android_id_md5": "android_id_md5",
    "android_id_sha1": "android_id_sha1",
}
#: Aliases that fill a column and are also kept as sent in ``query_parameters``.
ALIAS_PARAMS: dict[str, str] = {"__cc": "coupon_code"}
#: Parameters that route the click rather than describe it.
ROUTING_PARAMS = frozenset({"oid", "affid", "uid", "creative_id", "campaign_id"})


@dataclass(slots=True)
class LinkQuery:
    """One tracking link's query string, sorted into columns, routing and extras."""

    columns: dict[str, str] = field(default_factory=dict)
    routing: dict[str, str] = field(default_factory=dict)
    extras: dict[str, str] = field(default_factory=dict)


def _decode(text: str) -> str:
    if "%" in text or "+" in text:
        return unquote_plus(text, errors="replace")
    return text


def parse_query(raw: bytes) -> LinkQuery:
    result = LinkQuery()
    if not raw:
        return result
    if len(raw) > MAX_QUERY_BYTES:
        raw = raw[:MAX_QUERY_BYTES]
    text = raw.decode("utf-8", "replace")
    columns = result.columns
    for pair in text.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        key = _decode(key)
        column = COLUMN_PARAMS.get(key)
        if column is not None:
            if column not in columns:
                columns[column] = clip_column(column, _decode(value))
            continue
        if key in ROUTING_PARAMS:
            result.routing.setdefault(key, clip(_decode(value), 64))
            continue
        alias = ALIAS_PARAMS.get(key)
        decoded = _decode(value)
        if alias is not None and alias not in columns:
            columns[alias] = clip_column(alias, decoded)
        extras = result.extras
        if key and key not in extras and len(extras) < MAX_EXTRA_PARAMS:
            extras[clip(key, MAX_PARAM_KEY)] = clip(decoded, TEXT_LIMIT)
    return result


def parse_id(text: str | None) -> int | None:
    """A positive 32-bit id from a query value, or None for anything else."""
    if not text or len(text) > 10 or not text.isdigit() or not text.isascii():
        return None
    value = int(text)
    return value if 0 < value <= 0x7FFFFFFF else None
