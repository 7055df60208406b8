"""The one place that builds the copilot's services: the conversation service, index, auth, queue, metrics.

API, UI, CLI, eval and tests all call :func:`build_services`; overrides (``llm=``, ``retriever=``, a
ready ``copilot=``) replace the real component, e.g. with a fake in fast tests.
"""

from __future__ import annotations

import logging
import threading
from functools import cached_property
from typing import Any

from copilot.config import Settings
from copilot.graph.contract import Copilot
from copilot.retrieval.base import Retriever
from copilot.services.auth import AuthStore, keys_path
from copilot.services.metrics import Metrics
from copilot.services.runner import GenerationRunner

log = logging.getLogger(__name__)


class NotReady(Exception):
    """The conversation service or the index could not be loaded (the API answers 503)."""


class Services:
    """The app's services. The copilot and retriever are built lazily (or in the background at startup).

    ``server=True``: building the copilot also loads the model, primes the shared prompt prefix and starts
    the background work (webhook outbox, recovery of interrupted decisions) — what ``copilot serve`` needs."""

    def __init__(self, settings: Settings, *, copilot: Copilot | None = None, retriever: Retriever | None = None,
                 server: bool = False, **components: Any) -> None:
        self.settings = settings
        self.server = server
        self._components = components  # llm, embedder, router, table_qa overrides for the graph
        self._copilot = copilot
        self._retriever = retriever
        self._build_lock = threading.Lock()
        self.load_error: str | None = None
        self.loading = False
        if copilot is not None and retriever is None:  # opening the index is cheap; no model to load
            from copilot.retrieval.index import open_retriever

            self._retriever = open_retriever(settings)
        self.metrics = Metrics()
        self.runner = GenerationRunner(self.get_copilot, queue_size=settings.server.queue_size,
                                       timeout_s=settings.server.request_timeout_s, metrics=self.metrics,
                                       slots=settings.llm.concurrency)

    @cached_property
    def auth(self) -> AuthStore:
        return build_auth_store(self.settings)

    @property
    def loaded(self) -> bool:
        return self._copilot is not None and self._retriever is not None

    def load_in_background(self) -> None:
        """Start :meth:`load` in a thread unless loaded or already loading (``/readyz`` reports progress)."""
        with self._build_lock:
            if self.loaded or self.loading:
                return
            self.loading = True
        threading.Thread(target=self._load_quietly, name="copilot-load", daemon=True).start()

    def _load_quietly(self) -> None:
        try:
            self.load()
        except Exception:
            log.exception("loading the copilot failed; /readyz reports why")

    def load(self) -> None:
        """Build the retriever and the conversation service (loads the model in server mode); safe to call twice."""
        with self._build_lock:
            self.loading = True
            try:
                if self._retriever is None and self.server:  # /v1/search works before the model is loaded
                    from copilot.retrieval.index import open_retriever

                    self._retriever = open_retriever(self.settings)
                if self._copilot is None:
                    from copilot.graph.service import CopilotService

                    service = CopilotService(self.settings, retriever=self._retriever, **self._components)
                    if self.server:
                        service.warm()  # load the model and prime the shared prompt prefix now: /readyz means it
                        service.start_background()  # webhook outbox worker + recovery of interrupted decisions
                    self._copilot = service
                self.load_error = None
            except Exception as exc:
                self.load_error = f"{type(exc).__name__}: {exc}"
                raise
            finally:
                self.loading = False

    def get_copilot(self) -> Copilot:
        """The conversation service; NotReady when it cannot be built."""
        if self._copilot is None:
            self._load_or_fail()
        assert self._copilot is not None
        return self._copilot

    def get_retriever(self) -> Retriever:
        """The index retriever (the conversation service's own, opened with its embedder, outside server mode)."""
        if self._retriever is None:
            self._load_or_fail()
            deps = getattr(self._copilot, "deps", None)
            self._retriever = getattr(deps, "retriever", None)
        if self._retriever is None:
            raise NotReady("the copilot is not ready: no search index")
        return self._retriever

    @property
    def copilot(self) -> Copilot:
        """The conversation service, built on first use (errors propagate as they are)."""
        if self._copilot is None:
            self.load()
        assert self._copilot is not None
        return self._copilot

    def _load_or_fail(self) -> None:
        try:
            self.load()
        except Exception as exc:
            raise NotReady(f"the copilot is not ready: {self.load_error or exc}") from exc

    def close(self) -> None:
        close = getattr(self._copilot, "close", None)
        if callable(close):
            close()


def build_services(settings: Settings, **overrides: Any) -> Services:
    """Every service of the copilot from ``settings``; ``overrides`` (``copilot``, ``retriever``, ``llm``,
    ``embedder``, ``router``, ``table_qa``, ``server``) replace what would be built."""
    return Services(settings, **overrides)


def build_auth_store(settings: Settings) -> AuthStore:
    """The auth store with login throttling and failed logins written to the audit log."""
    from copilot.audit import AuditLog
    from copilot.services.login_guard import LoginGuard

    a = settings.auth
    audit = AuditLog.for_settings(settings)

    def on_event(kind: str, payload: dict[str, Any]) -> None:
        audit.append(kind, payload, actor=f"login:{payload.get('user')}")

    guard = LoginGuard(a.login_max_failures, a.login_window_s, a.login_lockout_s)
    return AuthStore(keys_path(settings), guard=guard, on_event=on_event)
