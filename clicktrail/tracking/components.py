"""The tracking runtime of one process: cache, click writer, enrichment, recorder.

Built once per :class:`~clicktrail.state.AppState` and kept in ``state.components``:

* ``state.components["tracking"]``: this :class:`TrackingComponents`;
* ``state.components["tracking_cache"]``: the :class:`TrackingCache` (it follows API
  changes by itself, on the next click: ADR 0071);
* ``state.components["click_writer"]``: the :class:`ClickWriter`.
"""

from __future__ import annotations

from dataclasses import dataclass

from clicktrail.db import sqlite_path
from clicktrail.kit.clientip import ClientIpResolver
from clicktrail.state import AppState, Service
from clicktrail.tracking.cache import TrackingCache
from clicktrail.tracking.device import DeviceDetector
from clicktrail.tracking.geo import GeoLocator
from clicktrail.tracking.recorder import ClickRecorder
from clicktrail.tracking.sinks import ClickSink, PostgresSink, SqliteProcessSink
from clicktrail.tracking.writer import ClickWriter

KEY = "tracking"


@dataclass
class TrackingComponents:
    cache: TrackingCache
    writer: ClickWriter
    recorder: ClickRecorder
    client_ip: ClientIpResolver
    geo: GeoLocator

    @property
    def services(self) -> list[Service]:
        # Started in this order, stopped in reverse: the writer drains before the cache goes.
        return [self.cache, self.writer]


def make_sink(state: AppState) -> ClickSink:
    if state.db.is_sqlite:
        path = sqlite_path(state.db.url)
        if path is None:
            raise RuntimeError("click tracking needs a SQLite file, not an in-memory database")
        return SqliteProcessSink(path, state.settings.sqlite_synchronous)
    return PostgresSink(state.db.url.render_as_string(hide_password=False))


def build(state: AppState) -> TrackingComponents:
    settings = state.settings
    cache = TrackingCache(state.db)
    writer = ClickWriter(make_sink(state))
    geo = GeoLocator(settings.geoip_city_path, settings.geoip_asn_path)
    recorder = ClickRecorder(cache, writer, geo, DeviceDetector())
    components = TrackingComponents(
        cache=cache,
        writer=writer,
        recorder=recorder,
        client_ip=ClientIpResolver(settings.trusted_proxies),
        geo=geo,
    )
    state.components[KEY] = components
    state.components["tracking_cache"] = cache
    state.components["click_writer"] = writer
    return components


def tracking_components(state: AppState) -> TrackingComponents:
    """This process's components; built (and their services registered) on first use."""
    existing = state.components.get(KEY)
    if isinstance(existing, TrackingComponents):
        return existing
    components = build(state)
    state.services.extend(components.services)
    return components
