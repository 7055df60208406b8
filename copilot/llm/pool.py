"""A pool of OpenAI-compatible model servers: least-in-flight spreading, failure backoff, admission.

Health is learned from real traffic (no background prober): an endpoint whose request fails (connection
refused, reset, 5xx, timeout) is taken out for ``retry_s`` seconds, doubled on every further failure up to
``max_retry_s``; once that time has passed, the next request to it is the probe, and a success puts it
back. A request that fails before its first token is retried on another endpoint by the backend, so a dead
server costs the user one failed connection, not an error. When every endpoint is down the one due soonest
is tried anyway, so a full outage recovers as soon as one server is back.

Admission: each endpoint takes at most ``max_in_flight`` requests from this process; when every healthy
endpoint is full, :class:`PoolSaturated` is raised (the API answers 429 with Retry-After). With several
API workers, set ``max_in_flight`` to the server's parallel slots divided by the number of workers.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from copilot.llm.base import LLMError


class PoolSaturated(LLMError):
    """Every model endpoint is busy: the caller should retry after ``retry_after_s`` seconds."""

    http_status = 429

    def __init__(self, message: str, retry_after_s: float = 5.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


@dataclass
class Endpoint:
    """One model server and what this process knows about it."""

    url: str
    in_flight: int = 0
    failures: int = 0  # consecutive failures; 0 = healthy
    down_until: float = 0.0
    served: int = 0
    last_error: str = ""

    def healthy(self, now: float) -> bool:
        return self.failures == 0 or now >= self.down_until


class EndpointPool:
    """Choose an endpoint per request and track its health; thread-safe."""

    def __init__(self, urls: list[str], *, max_in_flight: int = 1, retry_s: float = 5.0, max_retry_s: float = 60.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        cleaned = [u.rstrip("/") for u in urls if u and u.strip()]
        if not cleaned:
            raise LLMError("llm.base_urls: at least one OpenAI-compatible server URL is needed")
        if len(set(cleaned)) != len(cleaned):
            raise LLMError(f"llm.base_urls: a URL is listed twice: {cleaned}")
        self.endpoints = [Endpoint(u) for u in cleaned]
        self.max_in_flight = max(1, int(max_in_flight))
        self.retry_s = retry_s
        self.max_retry_s = max_retry_s
        self._clock = clock
        self._lock = threading.Lock()

    @property
    def capacity(self) -> int:
        """Requests this process may have in flight across the pool."""
        return self.max_in_flight * len(self.endpoints)

    def acquire(self, exclude: set[str] | frozenset[str] = frozenset(), *, retry: bool = False) -> Endpoint:
        """Reserve the healthy endpoint with the fewest requests in flight (not in ``exclude``).

        Raises :class:`PoolSaturated` when every candidate is full, :class:`LLMError` when none is left.
        A ``retry`` of a request another server failed may exceed ``max_in_flight`` (the server queues it):
        it was admitted once, and failing it for a crash it did not cause would be worse."""
        with self._lock:
            now = self._clock()
            candidates = [e for e in self.endpoints if e.url not in exclude]
            if not candidates:
                raise LLMError("every model server in llm.base_urls failed this request: "
                               + "; ".join(f"{e.url}: {e.last_error}" for e in self.endpoints if e.last_error))
            healthy = [e for e in candidates if e.healthy(now)]
            if not healthy:  # all down: probe the one due soonest rather than fail without trying
                healthy = [min(candidates, key=lambda e: e.down_until)]
            free = healthy if retry else [e for e in healthy if e.in_flight < self.max_in_flight]
            if not free:
                raise PoolSaturated(f"all {len(healthy)} model server(s) are busy "
                                    f"({self.max_in_flight} request(s) in flight each)")
            chosen = min(free, key=lambda e: (e.in_flight, e.served))
            chosen.in_flight += 1
            return chosen

    def release(self, endpoint: Endpoint, *, ok: bool, error: str = "") -> None:
        """Return a reservation: ``ok`` marks the endpoint healthy, a failure takes it out with backoff."""
        with self._lock:
            endpoint.in_flight = max(0, endpoint.in_flight - 1)
            if ok:
                endpoint.failures, endpoint.served, endpoint.last_error = 0, endpoint.served + 1, ""
                return
            endpoint.failures += 1
            endpoint.last_error = error[:300]
            delay = min(self.max_retry_s, self.retry_s * 2 ** (endpoint.failures - 1))
            endpoint.down_until = self._clock() + delay

    def saturated(self) -> bool:
        """True when no healthy endpoint could take another request now."""
        with self._lock:
            now = self._clock()
            return all(not e.healthy(now) or e.in_flight >= self.max_in_flight for e in self.endpoints)

    def status(self) -> list[dict[str, object]]:
        """Per endpoint: url, healthy, in_flight, served, last_error (for /readyz, doctor and tests)."""
        with self._lock:
            now = self._clock()
            return [{"url": e.url, "healthy": e.healthy(now), "in_flight": e.in_flight, "served": e.served,
                     "failures": e.failures, "last_error": e.last_error} for e in self.endpoints]
