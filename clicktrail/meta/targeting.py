"""The values an offer's targeting ruleset may name, as click enrichment spells them.

Everflow's ruleset entries name their values by numeric ids (``device_type_id``,
``platform_id``, ``browser_id``, ``connection_type_id``) from metadata tables whose full
contents are not public, so clicktrail names them by ``label`` instead, from these lists:
the exact strings click enrichment (clicktrail/tracking/device.py) stores on a click. A label
is matched without regard to case and stored in the spelling below, so the click path compares
plain strings.

PROVENANCE: device types, platforms and browsers are the values the user-agent parser
(ua-parser's families, renamed as clicktrail/tracking/device.py does) gives; connection types
are MaxMind's connection-type names. No Everflow numeric id is stored here.
"""

from __future__ import annotations

__all__ = ["BROWSERS", "CONNECTION_TYPES", "DEVICE_TYPES", "PLATFORMS", "canonical", "choices"]

#: ``device_type`` on a click.
DEVICE_TYPES: tuple[str, ...] = ("PC", "Mobile", "Tablet", "Unknown")

#: ``platform_name`` on a click (the operating system).
PLATFORMS: tuple[str, ...] = (
    "Android",
    "BlackBerry OS",
    "ChromeOS",
    "Debian",
    "Fedora",
    "FreeBSD",
    "iOS",
    "KaiOS",
    "Linux",
    "macOS",
    "Symbian OS",
    "Tizen",
    "Ubuntu",
    "Windows",
    "Windows Phone",
)

#: ``browser_name`` on a click.
BROWSERS: tuple[str, ...] = (
    "Amazon Silk",
    "Chrome",
    "Chrome WebView",
    "Chromium",
    "Edge",
    "Facebook",
    "Firefox",
    "IE",
    "Instagram",
    "Opera",
    "Opera Mini",
    "Safari",
    "Samsung Internet",
    "UC Browser",
    "Yandex Browser",
)

#: ``connection_type`` on a click. Enrichment does not fill it yet: rules on it are stored
#: and returned but not evaluated.
CONNECTION_TYPES: tuple[str, ...] = ("Cable/DSL", "Cellular", "Corporate", "Dialup", "Satellite")


def _folded(values: tuple[str, ...]) -> dict[str, str]:
    return {value.casefold(): value for value in values}


_BY_KIND: dict[str, dict[str, str]] = {
    "device_types": _folded(DEVICE_TYPES),
    "platforms": _folded(PLATFORMS),
    "browsers": _folded(BROWSERS),
    "connection_types": _folded(CONNECTION_TYPES),
}


def canonical(kind: str, label: str) -> str | None:
    """``label`` as click enrichment spells it, for one of the four kinds; None if unknown."""
    return _BY_KIND[kind].get(label.strip().casefold())


def choices(kind: str) -> tuple[str, ...]:
    """Every label of one kind, for error messages and forms."""
    return tuple(_BY_KIND[kind].values())
