"""Device information from the user agent (ua-parser), cached per user agent.

The fields are the click's ``device_information`` columns. A user agent is parsed once
(costly next to a dict hit) and then served from ``functools.lru_cache`` (C-level: a hit
costs about as much as a dict lookup), which keeps memory bounded by evicting the least
recently seen agents (ADR 0080).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from ua_parser import parse

from clicktrail.tracking.rows import clip_column

CACHE_LIMIT = 50_000

_PLATFORMS = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS", "Windows Phone": "Windows Phone"}
_BROWSERS = {
    "Mobile Safari": "Safari",
    "Mobile Safari UI/WKWebView": "Safari",
    "Chrome Mobile": "Chrome",
    "Chrome Mobile iOS": "Chrome",
    "Chrome Mobile WebView": "Chrome WebView",
    "Firefox Mobile": "Firefox",
    "Firefox iOS": "Firefox",
    "Edge Mobile": "Edge",
    "Opera Mobile": "Opera",
}
_MOBILE_OS = frozenset(
    {"iOS", "Android", "Windows Phone", "BlackBerry OS", "Symbian OS", "KaiOS", "Tizen"}
)
_ROBOT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|curl/|wget/|python-|httpclient|okhttp|go-http|java/|"
    r"headless|phantomjs|preview|monitor|scrapy|facebookexternalhit",
    re.IGNORECASE,
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|nexus (7|9|10)\b", re.IGNORECASE)


def _version(*parts: str | None) -> str:
    return ".".join(p for p in parts if p)


def describe(user_agent: str) -> dict[str, Any]:
    """The device columns of a click made with ``user_agent`` (uncached)."""
    info: dict[str, Any] = {
        "is_mobile": False,
        "is_tablet": False,
        "platform_name": "",
        "os_version": "",
        "brand": "",
        "model": "",
        "browser_name": "",
        "browser_version": "",
        "device_type": "Unknown",
        "is_robot": False,
    }
    if not user_agent:
        return info
    result = parse(user_agent)
    agent, system, device = result.user_agent, result.os, result.device
    is_robot = bool(_ROBOT.search(user_agent)) or (device is not None and device.family == "Spider")
    if agent is not None and agent.family != "Other":
        info["browser_name"] = _BROWSERS.get(agent.family, agent.family)
        info["browser_version"] = _version(agent.major, agent.minor, agent.patch)
    platform = ""
    if system is not None and system.family != "Other":
        platform = _PLATFORMS.get(system.family, system.family)
        info["platform_name"] = platform
        info["os_version"] = _version(system.major, system.minor, system.patch)
    if device is not None and device.family not in ("Other", "Spider"):
        info["brand"] = device.brand or ""
        info["model"] = device.model or ""
    is_tablet = bool(_TABLET.search(user_agent)) or (
        platform == "Android" and "Mobile" not in user_agent
    )
    is_mobile = is_tablet or platform in _MOBILE_OS or "Mobi" in user_agent
    info["is_robot"] = is_robot
    info["is_tablet"] = is_tablet and not is_robot
    info["is_mobile"] = is_mobile and not is_robot
    if is_robot:
        info["device_type"] = "Unknown"
    elif is_tablet:
        info["device_type"] = "Tablet"
    elif is_mobile:
        info["device_type"] = "Mobile"
    else:
        info["device_type"] = "PC"
    for key in ("platform_name", "os_version", "brand", "model", "browser_name", "browser_version"):
        info[key] = clip_column(key, info[key])
    return info


class DeviceDetector:
    """``lookup(user_agent)`` with a bounded per-user-agent cache.

    The cached columns include ``user_agent`` itself (the first string object seen)."""

    def __init__(self, limit: int = CACHE_LIMIT) -> None:
        self.limit = limit
        self.lookup: Callable[[str], dict[str, Any]] = functools.lru_cache(maxsize=limit)(
            self._describe
        )

    @staticmethod
    def _describe(user_agent: str) -> dict[str, Any]:
        info = describe(user_agent)
        # One string object per user agent: batches sent to the writer process
        # (marshal) carry it once, and later as a back-reference.
        info["user_agent"] = user_agent
        return info
