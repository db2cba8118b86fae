"""Prometheus metrics. Each domain declares its counters here, named ``clicktrail_*``."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "clicktrail_http_requests_total",
    "API requests answered, by surface and status class.",
    ["surface", "status"],
    registry=REGISTRY,
)
CLICKS = Counter(
    "clicktrail_clicks_total", "Clicks recorded, by validity.", ["valid"], registry=REGISTRY
)
CLICK_BATCH_SECONDS = Histogram(
    "clicktrail_click_batch_seconds",
    "Time to commit one batch of clicks.",
    registry=REGISTRY,
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0),
)
CONVERSIONS = Counter(
    "clicktrail_conversions_total",
    "Conversions recorded, by status and source.",
    ["status", "source"],
    registry=REGISTRY,
)
POSTBACK_ATTEMPTS = Counter(
    "clicktrail_postback_attempts_total",
    "Postback delivery attempts, by outcome.",
    ["outcome"],
    registry=REGISTRY,
)
