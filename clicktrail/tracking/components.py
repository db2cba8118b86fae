"""The tracking runtime of one process: cache, click writer, enrichment, recorder.

Built once per :class:`~clicktrail.state.AppState` and kept in ``state.components``:

* ``state.components["tracking"]``: this :class:`TrackingComponents`;
* ``state.components["tracking_cache"]``: the :class:`TrackingCache` (it follows API
  changes by itself, on the next click: ADR 0071);
* ``state.components["click_writer"]``: the :class:`ClickWriter`;
* ``state.components["impression_writer"]``: the :class:`ImpressionWriter` (ADR 0102).
"""

from __future__ import annotations

from dataclasses import dataclass

from clicktrail.db import sqlite_path
from clicktrail.kit.clientip import ClientIpResolver
from clicktrail.state import AppState, Service
from clicktrail.tracking.cache import TrackingCache
from clicktrail.tracking.device import DeviceDetector
from clicktrail.tracking.geo import GeoLocator
from clicktrail.tracking.impression_writer import (
    ImpressionSink,
    ImpressionWriter,
    PostgresImpressionSink,
    SqliteImpressionSink,
)
from clicktrail.tracking.impressions import ImpressionDrafter
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
    impression_writer: ImpressionWriter
    impressions: ImpressionDrafter

    @property
    def services(self) -> list[Service]:
        # Started in this order, stopped in reverse: the writers drain before the cache goes,
        # the impression writer before the click writer whose SQLite process it uses.
        return [self.cache, self.writer, self.impression_writer]


def make_sink(state: AppState) -> ClickSink:
    if state.db.is_sqlite:
        path = sqlite_path(state.db.url)
        if path is None:
            raise RuntimeError("click tracking needs a SQLite file, not an in-memory database")
        return SqliteProcessSink(path, state.settings.sqlite_synchronous)
    return PostgresSink(state.db.url.render_as_string(hide_password=False))


def make_impression_sink(state: AppState, click_sink: ClickSink) -> ImpressionSink:
    if isinstance(click_sink, SqliteProcessSink):
        return SqliteImpressionSink(click_sink.child)
    return PostgresImpressionSink(state.db.url.render_as_string(hide_password=False))


def build(state: AppState) -> TrackingComponents:
    settings = state.settings
    cache = TrackingCache(state.db)
    sink = make_sink(state)
    writer = ClickWriter(sink)
    geo = GeoLocator(settings.geoip_city_path, settings.geoip_asn_path)
    device = DeviceDetector()
    recorder = ClickRecorder(cache, writer, geo, device)
    impression_writer = ImpressionWriter(make_impression_sink(state, sink))
    components = TrackingComponents(
        cache=cache,
        writer=writer,
        recorder=recorder,
        client_ip=ClientIpResolver(settings.trusted_proxies),
        geo=geo,
        impression_writer=impression_writer,
        impressions=ImpressionDrafter(cache, geo, device),
    )
    state.components[KEY] = components
    state.components["tracking_cache"] = cache
    state.components["click_writer"] = writer
    state.components["impression_writer"] = impression_writer
    return components


def tracking_components(state: AppState) -> TrackingComponents:
    """This process's components; built (and their services registered) on first use."""
    existing = state.components.get(KEY)
    if isinstance(existing, TrackingComponents):
        return existing
    components = build(state)
    state.services.extend(components.services)
    return components
