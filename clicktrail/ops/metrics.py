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
CLICK_STEP_SECONDS = Histogram(
    "clicktrail_click_step_seconds",
    "Time of each named click step, measured on 1 click in 128 (counts are sampled).",
    ["step"],
    registry=REGISTRY,
    buckets=(1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3),
)
