"""Geolocation from MaxMind-format databases (.mmdb), cached per IP address.

Two optional files, named by settings: a city database (GeoLite2-City / GeoIP2-City or
DB-IP's "IP to City Lite") and an ASN database (GeoLite2-ASN or DB-IP's "IP to ASN Lite";
a GeoIP2-ISP file works too). Both vendors use the same record layout; fields a file does
not carry (DB-IP has no metro code or time zone) stay empty. With no file configured every
geolocation field is empty. A lookup that fails for any reason leaves the fields empty:
enrichment never costs a click. Results are kept per IP in ``functools.lru_cache``
(C-level, least recently used out first; ADR 0080).
"""

from __future__ import annotations

import functools
from typing import Any

import maxminddb
import structlog

from clicktrail.meta.countries import BY_CODE
from clicktrail.tracking.rows import clip_column

log = structlog.get_logger("clicktrail.tracking.geo")

CACHE_LIMIT = 100_000

EMPTY: dict[str, Any] = {
    "country_code": "",
    "country_name": "",
    "region_code": "",
    "region_name": "",
    "city_name": "",
    "postal_code": "",
    "dma": 0,
    "timezone": "",
    "carrier_name": "",
    "isp_name": "",
    "organization": "",
    "is_proxy": False,
}


def _name(record: Any) -> str:
    if not isinstance(record, dict):
        return ""
    names = record.get("names")
    if isinstance(names, dict):
        value = names.get("en") or next(iter(names.values()), "")
        return value if isinstance(value, str) else ""
    return ""


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def city_fields(record: Any) -> dict[str, Any]:
    """The click's geolocation columns from one city-database record."""
    out: dict[str, Any] = {}
    if not isinstance(record, dict):
        return out
    country = record.get("country")
    if isinstance(country, dict):
        code = _text(country.get("iso_code")).upper()
        out["country_code"] = code
        known = BY_CODE.get(code)
        out["country_name"] = _name(country) or (known.country_name if known else "")
    subdivisions = record.get("subdivisions")
    if isinstance(subdivisions, list) and subdivisions and isinstance(subdivisions[0], dict):
        out["region_code"] = _text(subdivisions[0].get("iso_code"))
        out["region_name"] = _name(subdivisions[0])
    out["city_name"] = _name(record.get("city"))
    postal = record.get("postal")
    if isinstance(postal, dict):
        out["postal_code"] = _text(postal.get("code"))
    location = record.get("location")
    if isinstance(location, dict):
        metro = location.get("metro_code")
        if isinstance(metro, int) and 0 <= metro < 2**31:
            out["dma"] = metro
        out["timezone"] = _text(location.get("time_zone"))
    traits = record.get("traits")
    if isinstance(traits, dict):
        out["is_proxy"] = bool(traits.get("is_anonymous_proxy") or traits.get("is_anonymous"))
    return out


def network_fields(record: Any) -> dict[str, Any]:
    """ISP, organisation and carrier from one ASN (or ISP) record."""
    out: dict[str, Any] = {}
    if not isinstance(record, dict):
        return out
    org = _text(record.get("autonomous_system_organization"))
    out["isp_name"] = _text(record.get("isp")) or org
    out["organization"] = _text(record.get("organization")) or org
    if record.get("mobile_network_code"):
        out["carrier_name"] = out["isp_name"]
    return out


def _open(path: str | None, what: str) -> Any:
    if not path:
        return None
    try:
        return maxminddb.open_database(path)
    except (OSError, ValueError, maxminddb.InvalidDatabaseError) as exc:
        log.error("geoip_open_failed", database=what, path=path, error=str(exc))
        raise


class GeoLocator:
    """``lookup(ip)`` -> geolocation columns, from the configured databases."""

    def __init__(
        self, city_path: str | None, asn_path: str | None, limit: int = CACHE_LIMIT
    ) -> None:
        self.city = _open(city_path, "city")
        self.asn = _open(asn_path, "asn")
        self.limit = limit
        self._cached = functools.lru_cache(maxsize=limit)(self._resolve)

    @property
    def enabled(self) -> bool:
        return self.city is not None or self.asn is not None

    def _resolve(self, ip: str) -> dict[str, Any]:
        fields = dict(EMPTY)
        try:
            if self.city is not None:
                fields.update(city_fields(self.city.get(ip)))
            if self.asn is not None:
                fields.update(network_fields(self.asn.get(ip)))
        except (ValueError, TypeError, maxminddb.InvalidDatabaseError):
            return dict(EMPTY)
        for key, value in fields.items():
            if isinstance(value, str):
                fields[key] = clip_column(key, value)
        return fields

    def lookup(self, ip: str) -> dict[str, Any]:
        if not ip or not self.enabled:
            return EMPTY
        return self._cached(ip)

    def close(self) -> None:
        for reader in (self.city, self.asn):
            if reader is not None:
                reader.close()
