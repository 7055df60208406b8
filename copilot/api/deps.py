"""Everything a route needs, built once per app, and the ``Annotated[..., Depends()]`` aliases."""

from __future__ import annotations

import logging
import threading
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer

from copilot.api.auth import AuthStore, Principal, Role, keys_path
from copilot.api.errors import APIError
from copilot.api.metrics import Metrics
from copilot.api.runner import GenerationRunner
from copilot.config import Settings
from copilot.graph.contract import Copilot
from copilot.retrieval.base import Retriever

log = logging.getLogger(__name__)


class Container:
    """The app's services. The copilot and retriever are built lazily (or in the background at startup)."""

    def __init__(self, settings: Settings, copilot: Copilot | None = None, retriever: Retriever | None = None) -> None:
        self.settings = settings
        self.auth = build_auth_store(settings)
        self.metrics = Metrics()
        self._copilot = copilot
        self._retriever = retriever
        self._build_lock = threading.Lock()
        self.load_error: str | None = None
        self.loading = False
        if copilot is not None and retriever is None:  # opening the index is cheap; no model to load
            from copilot.retrieval.index import open_retriever

            self._retriever = open_retriever(settings)
        self.ingest_lock = threading.Lock()
        self.runner = GenerationRunner(self.get_copilot, queue_size=settings.server.queue_size,
                                       timeout_s=settings.server.request_timeout_s, metrics=self.metrics,
                                       slots=settings.llm.concurrency)

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
        """Build the retriever and the conversation service (loads the model); safe to call twice."""
        with self._build_lock:
            self.loading = True
            try:
                if self._retriever is None:
                    from copilot.retrieval.index import open_retriever

                    self._retriever = open_retriever(self.settings)
                if self._copilot is None:
                    from copilot.graph.service import CopilotService

                    service = CopilotService(self.settings, retriever=self._retriever)
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
        if self._copilot is None:
            self._load_or_503()
        assert self._copilot is not None
        return self._copilot

    def get_retriever(self) -> Retriever:
        if self._retriever is None:
            self._load_or_503()
        assert self._retriever is not None
        return self._retriever

    def reset_retriever(self) -> None:
        """Reopen the index after ingestion (keeps an injected retriever if it cannot be reopened)."""
        try:
            from copilot.retrieval.index import open_retriever

            fresh = open_retriever(self.settings)
        except Exception:
            return
        self._retriever = fresh
        refresh = getattr(self._copilot, "set_retriever", None)
        if callable(refresh):
            refresh(fresh)

    def _load_or_503(self) -> None:
        try:
            self.load()
        except Exception as exc:
            raise APIError(503, f"the copilot is not ready: {self.load_error or exc}",
                           headers={"Retry-After": "10"}) from exc


def build_auth_store(settings: Settings) -> AuthStore:
    """The auth store with login throttling and failed logins written to the audit log."""
    from copilot.api.login_guard import LoginGuard
    from copilot.audit import AuditLog
    from copilot.keys import secrets_path

    a = settings.auth
    audit = AuditLog(settings.db_path, key_file=secrets_path(settings.data_dir, a.secrets_file))

    def on_event(kind: str, payload: dict[str, Any]) -> None:
        audit.append(kind, payload, actor=f"login:{payload.get('user')}")

    guard = LoginGuard(a.login_max_failures, a.login_window_s, a.login_lockout_s)
    return AuthStore(keys_path(settings), guard=guard, on_event=on_event)


def get_container(request: Request) -> Container:
    return request.app.state.container


ContainerDep = Annotated[Container, Depends(get_container)]

_bearer = HTTPBearer(auto_error=False, description="API key: `Authorization: Bearer ck_...`")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="API key in the X-API-Key header.")


def get_principal(container: ContainerDep,
                  bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
                  header: Annotated[str | None, Depends(_header)]) -> Principal:
    """Who is calling, from ``Authorization: Bearer`` or ``X-API-Key``; 401 without a valid key."""
    if not container.settings.auth.enabled:
        return Principal("anonymous", "admin")
    key = (bearer.credentials if bearer else None) or header
    if not key:
        raise APIError(401, "an API key is required: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
                       headers={"WWW-Authenticate": "Bearer"})
    principal = container.auth.authenticate_key(key)
    if principal is None:
        raise APIError(401, "the API key is not valid", headers={"WWW-Authenticate": "Bearer"})
    return principal


def require(role: Role) -> Any:
    """Dependency: the caller must hold at least ``role`` (403 otherwise)."""

    def _check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.has(role):
            raise APIError(403, f"this needs the {role} role; user {principal.user!r} is {principal.role}")
        return principal

    return _check


Viewer = Annotated[Principal, Depends(require("viewer"))]
Operator = Annotated[Principal, Depends(require("operator"))]
Approver = Annotated[Principal, Depends(require("approver"))]
Admin = Annotated[Principal, Depends(require("admin"))]


def _copilot(container: ContainerDep) -> Copilot:
    return container.get_copilot()


def _retriever(container: ContainerDep) -> Retriever:
    return container.get_retriever()


CopilotDep = Annotated[Copilot, Depends(_copilot)]
RetrieverDep = Annotated[Retriever, Depends(_retriever)]
