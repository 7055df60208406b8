"""The graph's dependencies, built lazily from settings when not given."""

from __future__ import annotations

import logging
import threading
from typing import Any

from copilot.actions.store import ActionStore
from copilot.agents.base import AgentSpec
from copilot.agents.registry import build_agents
from copilot.audit import AuditLog
from copilot.config import Settings
from copilot.db import secure_dir
from copilot.llm.base import LLM, estimate_tokens
from copilot.retrieval.base import Retriever

log = logging.getLogger(__name__)


class Deps:
    """Holds the LLM, embedder, retriever, router, table QA, stores and agents for one service."""

    def __init__(self, settings: Settings, *, llm: LLM | None = None, embedder: Any = None,
                 retriever: Retriever | None = None, router: Any = None, table_qa: Any = None) -> None:
        self.settings = settings
        self._llm, self._embedder, self._retriever = llm, embedder, retriever
        self._router, self._table_qa = router, table_qa
        self._table_qa_tried = table_qa is not None
        self._lock = threading.RLock()
        secure_dir(settings.data_dir)
        self.store = ActionStore(settings.db_path)
        self.audit = AuditLog.for_settings(settings)
        self.agents: dict[str, AgentSpec] = build_agents()

    @property
    def llm(self) -> LLM:
        with self._lock:
            if self._llm is None:
                from copilot.llm.factory import build_llm

                self._llm = build_llm(self.settings)
            return self._llm

    @property
    def embedder(self) -> Any:
        with self._lock:
            if self._embedder is None:
                from copilot.retrieval.embedder import build_embedder

                self._embedder = build_embedder(self.settings)
            return self._embedder

    @property
    def retriever(self) -> Retriever | None:
        """The index retriever; None when no index exists yet (answers then say the KB is empty)."""
        with self._lock:
            if self._retriever is None:
                try:
                    from copilot.retrieval.index import open_retriever

                    self._retriever = open_retriever(self.settings, embedder=self.embedder)
                except Exception as exc:  # noqa: BLE001 - a missing index must not break the service
                    log.warning("no retriever available: %s", exc)
                    return None
            return self._retriever

    @property
    def router(self) -> Any:
        with self._lock:
            if self._router is None:
                from copilot.agents.router import Router

                self._router = Router(self.settings, self.embedder, llm=self.llm)
            return self._router

    @property
    def table_qa(self) -> Any:
        """TableQA when tables are enabled and the module is present; None otherwise."""
        with self._lock:
            if not self._table_qa_tried:
                self._table_qa_tried = True
                if self.settings.tables.enabled:
                    try:
                        from copilot.tables.service import TableQA

                        self._table_qa = TableQA(self.settings, self.llm, self.embedder)
                    except Exception as exc:  # noqa: BLE001
                        log.warning("table QA unavailable: %s", exc)
            return self._table_qa

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` for the model in use (its tokenizer), else the 4-characters-per-token estimate."""
        tokenize = getattr(self.llm, "tokenize", None)
        return len(tokenize(text)) if callable(tokenize) else estimate_tokens(text)

    @property
    def model_name(self) -> str:
        return getattr(self._llm, "name", None) or self.settings.llm.model
