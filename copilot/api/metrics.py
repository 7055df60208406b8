"""Prometheus metrics (one registry per app) and a pure-ASGI middleware that records them."""

from __future__ import annotations

import time
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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


class MetricsMiddleware:
    """Count every HTTP request by its route template (``/v1/threads/{thread_id}``), not its raw path."""

    def __init__(self, app: ASGIApp, metrics: Metrics, ui_path: str = "/chat") -> None:
        self.app = app
        self.metrics = metrics
        self.ui_path = ui_path.rstrip("/") or "/chat"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = {"code": 500}

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            route = self._route(scope)
            method = scope.get("method", "GET")
            self.metrics.requests.labels(method, route, str(status["code"])).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - start)

    def _route(self, scope: dict[str, Any]) -> str:
        path = scope.get("path", "")
        if path.startswith(self.ui_path):
            return self.ui_path
        route = scope.get("route")
        return getattr(route, "path", None) or "unmatched"
