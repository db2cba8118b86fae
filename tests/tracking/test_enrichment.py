"""Enrichment at click time: geolocation from generated .mmdb files, device and language."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from mmdb_writer import MMDBWriter
from netaddr import IPSet

from clicktrail.app import ClicktrailApp, create_app
from clicktrail.config import Settings
from clicktrail.tracking.geo import GeoLocator
from tests.tracking.helpers import click, make_pair, query_of

IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)


def _geolite(directory: Path) -> tuple[Path, Path]:
    """GeoLite2-City and GeoLite2-ASN layouts, IPv4 and IPv6 networks."""
    city = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-City")
    city.insert_network(
        IPSet(["198.51.100.0/24", "2001:db8:1::/48"]),
        {
            "country": {"iso_code": "US", "names": {"en": "United States", "fr": "États-Unis"}},
            "subdivisions": [{"iso_code": "CA", "names": {"en": "California"}}],
            "city": {"names": {"en": "Burbank"}},
            "location": {"time_zone": "America/Los_Angeles", "metro_code": 803},
            "postal": {"code": "91501"},
        },
    )
    asn = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="GeoLite2-ASN")
    asn.insert_network(
        IPSet(["198.51.100.0/24", "2001:db8:1::/48"]),
        {"autonomous_system_number": 21928, "autonomous_system_organization": "T-Mobile USA"},
    )
    city_path, asn_path = directory / "city.mmdb", directory / "asn.mmdb"
    city.to_db_file(str(city_path))
    asn.to_db_file(str(asn_path))
    return city_path, asn_path


def _dbip(directory: Path) -> Path:
    """DB-IP "IP to City Lite" layout: names only, no codes for regions, no time zone."""
    city = MMDBWriter(ip_version=6, ipv4_compatible=True, database_type="DBIP-City-Lite")
    city.insert_network(
        IPSet(["203.0.113.0/24"]),
        {
            "city": {"names": {"en": "Paris"}},
            "continent": {"code": "EU", "names": {"en": "Europe"}},
            "country": {"iso_code": "FR", "names": {"en": "France"}},
            "location": {"latitude": 48.85, "longitude": 2.35},
            "subdivisions": [{"names": {"en": "Île-de-France"}}],
        },
    )
    path = directory / "dbip-city.mmdb"
    city.to_db_file(str(path))
    return path


def test_geolite_and_dbip_layouts(tmp_path: Path) -> None:
    city, asn = _geolite(tmp_path)
    geo = GeoLocator(str(city), str(asn))
    fields = geo.lookup("198.51.100.20")
    assert fields["country_code"] == "US"
    assert fields["country_name"] == "United States"
    assert (fields["region_code"], fields["region_name"]) == ("CA", "California")
    assert (fields["city_name"], fields["postal_code"], fields["dma"]) == ("Burbank", "91501", 803)
    assert fields["timezone"] == "America/Los_Angeles"
    assert fields["isp_name"] == fields["organization"] == "T-Mobile USA"
    assert geo.lookup("2001:db8:1::5")["city_name"] == "Burbank"
    assert geo.lookup("192.0.2.1")["country_code"] == ""  # not in the file
    assert geo.lookup("not an ip")["country_code"] == ""
    geo.close()

    dbip = GeoLocator(str(_dbip(tmp_path)), None)
    fields = dbip.lookup("203.0.113.9")
    assert (fields["country_code"], fields["country_name"]) == ("FR", "France")
    assert (fields["region_name"], fields["city_name"]) == ("Île-de-France", "Paris")
    assert fields["region_code"] == fields["timezone"] == ""
    assert fields["isp_name"] == ""


def test_no_database_means_empty_geolocation() -> None:
    geo = GeoLocator(None, None)
    assert not geo.enabled
    assert geo.lookup("198.51.100.20")["country_code"] == ""


@pytest.fixture
async def geo_app(settings: Settings, tmp_path: Path) -> AsyncIterator[ClicktrailApp]:
    city, asn = _geolite(tmp_path)
    configured = settings.model_copy(
        update={
            "geoip_city_path": str(city),
            "geoip_asn_path": str(asn),
            "trusted_proxies": ["127.0.0.0/8"],
        }
    )
    application = create_app(configured)
    await application.state.start()
    try:
        yield application
    finally:
        await application.state.stop()


async def test_click_is_enriched_behind_a_trusted_proxy(geo_app: ClicktrailApp) -> None:
    pair = await make_pair(geo_app)
    transport = httpx.ASGITransport(app=geo_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://track.test") as client:
        response = await client.get(
            f"/c?oid={pair.oid}&affid={pair.affid}",
            headers={
                "user-agent": IPHONE,
                "x-forwarded-for": "2001:db8:1::77, 127.0.0.9",
                "accept-language": "fr-FR,fr;q=0.9",
                "referer": "https://publisher.example/page",
            },
        )
    stored = await click(geo_app.state.db, query_of(response.headers["location"])["tid"])
    assert stored.user_ip == "2001:db8:1::77"
    assert (stored.country_code, stored.city_name, stored.dma) == ("US", "Burbank", 803)
    assert stored.isp_name == "T-Mobile USA"
    assert (stored.platform_name, stored.brand, stored.device_type) == ("iOS", "Apple", "Mobile")
    assert stored.is_mobile is True
    assert (stored.language, stored.http_accept_language) == ("fr", "fr-FR,fr;q=0.9")
    assert stored.referer == "https://publisher.example/page"
    assert stored.tracking_url == "track.test"
