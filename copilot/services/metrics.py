"""Prometheus metrics, one registry per app (the runner counts generations; the API middleware, requests)."""

from __future__ import annotations

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)


class Metrics:
    """Requests by route/status, latency, generation queue depth and tokens generated."""

    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("copilot_http_requests_total", "HTTP requests by route and status.",
                                ["method", "route", "status"], registry=self.registry)
        self.latency = Histogram("copilot_http_request_seconds", "HTTP request latency by route.",
                                 ["method", "route"], registry=self.registry,
                                 buckets=(0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))
        self.queue_depth = Gauge("copilot_generation_queue_depth", "Chat requests waiting for the model.",
                                 registry=self.registry)
        self.in_progress = Gauge("copilot_generation_in_progress", "Generations running now (0 or 1).",
                                 registry=self.registry)
        self.rejected = Counter("copilot_generation_rejected_total", "Chat requests refused, by reason.",
                                ["reason"], registry=self.registry)
        self.tokens = Counter("copilot_tokens_generated_total", "Answer tokens streamed to clients.",
                              registry=self.registry)
        self.generation_seconds = Histogram("copilot_generation_seconds", "Time the model spent per answer.",
                                            registry=self.registry,
                                            buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300))

    def render(self) -> bytes:
        return generate_latest(self.registry)
