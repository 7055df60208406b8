"""Deliver queued webhooks: one attempt per claimed outbox entry, retried with backoff until delivered
or given up. A server runs :meth:`OutboxWorker.start` (a background thread); a CLI process that just
decided makes one attempt for its own delivery and leaves the retries to the server."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from copilot.actions import outbox, webhook
from copilot.faults import fault

log = logging.getLogger(__name__)


class OutboxWorker:
    """Claims due deliveries from the outbox, POSTs them signed, records every result."""

    def __init__(self, db_path: Path, audit: Any, secret: bytes, *, timeout_s: float = 10.0,
                 max_attempts: int = 8, backoff_s: float = 2.0, poll_s: float = 1.0,
                 on_tick: Callable[[], Any] | None = None) -> None:
        self.db_path, self.audit, self.secret = db_path, audit, secret
        self.timeout_s, self.max_attempts, self.backoff_s, self.poll_s = timeout_s, max_attempts, backoff_s, poll_s
        self.lease_s = timeout_s * 1.5 + 1.0  # longer than any attempt: only a dead process lets it expire
        self.on_tick = on_tick  # e.g. recovery of decisions whose process died before telling the thread
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run_once(self, only: str | None = None) -> list[str]:
        """Attempt every due delivery once (or just ``only``); return their new states."""
        states = []
        for d in outbox.claim_due(self.db_path, self.audit, lease_s=self.lease_s, only=only):
            body = d.body.encode("utf-8")
            fault("webhook:before_post")
            status, error = webhook.post(d.url, body, webhook.headers(self.secret, d.outbox_id, d.attempt, body),
                                         self.timeout_s)
            fault("webhook:after_post")
            if error:
                log.warning("webhook delivery %s of %s failed (attempt %d): %s", d.outbox_id, d.work_order_id,
                            d.attempt, error)
            states.append(outbox.finish(self.db_path, self.audit, d, http_status=status, error=error,
                                        max_attempts=self.max_attempts, first_backoff_s=self.backoff_s))
        return states

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        """Run in a daemon thread until :meth:`stop`; also picks up deliveries left by crashed processes."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="webhook-outbox", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=self.timeout_s + 5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.run_once()
                if self.on_tick is not None:
                    self.on_tick()
            except Exception:  # noqa: BLE001 - keep delivering; the failure is logged
                log.exception("webhook outbox pass failed")
            self._wake.wait(self.poll_s)
            self._wake.clear()
