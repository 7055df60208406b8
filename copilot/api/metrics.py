"""A pure-ASGI middleware that records the Prometheus metrics (:class:`copilot.services.metrics.Metrics`)."""

from __future__ import annotations

import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from copilot.services.metrics import Metrics


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
