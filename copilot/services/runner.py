"""One model, many users: a bounded queue in front of generation.

At most ``slots`` graph runs at a time (one for the in-process llama backend, which is not re-entrant;
the pool's capacity for a pool of model servers, ``llm.concurrency``); up to ``queue_size`` requests wait for it; more are refused at once
(:class:`QueueFull` -> HTTP 429 with Retry-After). Each run has a deadline
(:class:`GenerationTimeout` -> 503 with Retry-After). The blocking graph runs in a worker thread; when the client
goes away or the deadline passes, a ``threading.Event`` asks the graph to stop.

Only threading primitives are used, so one runner works across event loops (tests).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from copilot.graph.contract import Event
from copilot.services.metrics import Metrics

_END = object()


class QueueFull(Exception):
    """Too many chat requests are waiting for the model."""


class GenerationTimeout(Exception):
    """The answer took longer than server.request_timeout_s."""


@dataclass
class Ticket:
    """A place in the queue, taken before the response starts."""

    deadline: float
    released: bool = field(default=False)


class GenerationRunner:
    """Admission control, serialisation, deadlines and cancellation around ``Copilot.stream``."""

    def __init__(self, copilot_getter: Any, *, queue_size: int, timeout_s: float,
                 metrics: Metrics | None = None, slots: int = 1) -> None:
        self._get_copilot = copilot_getter
        self.queue_size = queue_size
        self.timeout_s = timeout_s
        self.metrics = metrics
        self._model = threading.Semaphore(slots)  # 1 for an in-process model; a server pool's capacity
        self._count_lock = threading.Lock()
        self._waiting = 0
        self.active = 0  # generations holding a model slot now (0..slots)

    @property
    def waiting(self) -> int:
        return self._waiting

    def ahead(self) -> int:
        """Requests before a newly admitted one: those waiting (itself excluded) plus the one generating."""
        return max(0, self._waiting - 1) + self.active

    def _set_waiting(self, delta: int) -> None:
        with self._count_lock:
            self._waiting += delta
            if self.metrics:
                self.metrics.queue_depth.set(self._waiting)

    def admit(self) -> Ticket:
        """Take a place in the queue or raise :class:`QueueFull` (no waiting)."""
        with self._count_lock:
            if self._waiting >= self.queue_size:
                if self.metrics:
                    self.metrics.rejected.labels("queue_full").inc()
                raise QueueFull(f"{self._waiting} requests are already waiting for the model")
            self._waiting += 1
            if self.metrics:
                self.metrics.queue_depth.set(self._waiting)
        return Ticket(deadline=time.monotonic() + self.timeout_s)

    async def _acquire(self, ticket: Ticket) -> None:
        try:
            while not self._model.acquire(blocking=False):
                if time.monotonic() >= ticket.deadline:
                    if self.metrics:
                        self.metrics.rejected.labels("timeout").inc()
                    raise GenerationTimeout(f"no model slot within {self.timeout_s:g} s")
                await asyncio.sleep(0.02)
        finally:
            self._set_waiting(-1)

    async def events(self, ticket: Ticket, message: str, **kwargs: Any) -> AsyncIterator[Event]:
        """Stream the graph's events for one admitted request."""
        await self._acquire(ticket)
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[Any] = asyncio.Queue()
        cancel = threading.Event()
        started = time.perf_counter()

        def post(item: Any) -> None:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, item)
            except RuntimeError:  # the loop is gone (client left); nothing to deliver to
                cancel.set()

        def work() -> None:
            self.active += 1
            if self.metrics:
                self.metrics.in_progress.inc()
            try:
                for event in self._get_copilot().stream(message, cancel=cancel, **kwargs):
                    post(event)
                    if cancel.is_set():
                        break
            except PermissionError as exc:  # e.g. continuing another user's thread
                post(Event(type="error", data={"message": str(exc), "status": 403}))
            except ValueError as exc:  # the service refused the input
                post(Event(type="error", data={"message": str(exc), "status": getattr(exc, "status", 422)}))
            except Exception as exc:  # reported to the client as an error event
                post(Event(type="error", data={"message": f"{type(exc).__name__}: {exc}", "status": 500}))
            finally:
                self.active -= 1
                if self.metrics:
                    self.metrics.in_progress.dec()
                    self.metrics.generation_seconds.observe(time.perf_counter() - started)
                self._model.release()
                post(_END)

        threading.Thread(target=work, name="copilot-generation", daemon=True).start()
        try:
            while True:
                remaining = ticket.deadline - time.monotonic()
                if remaining <= 0:
                    raise TimeoutError
                item = await asyncio.wait_for(queue.get(), timeout=remaining)
                if item is _END:
                    return
                if item.type == "token" and self.metrics:
                    self.metrics.tokens.inc()
                yield item
        except TimeoutError:
            if self.metrics:
                self.metrics.rejected.labels("timeout").inc()
            raise GenerationTimeout(f"the answer took longer than {self.timeout_s:g} s and was stopped") from None
        finally:
            cancel.set()  # a no-op after a normal end; stops the graph after a disconnect or timeout
