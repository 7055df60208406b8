"""``CopilotService``: the conversation graph behind the API, UI, CLI and eval (see contract.py)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from copilot.agents.router import normalise_agent
from copilot.config import Settings
from copilot.graph.builder import build_checkpointer, build_graph
from copilot.graph.contract import Decision, Event, answer_from_events
from copilot.graph.deps import Deps
from copilot.graph.desk import ApprovalDesk
from copilot.graph.state import RunContext
from copilot.limits import check_feedback_score, check_message, check_thread_id, valid_thread_id
from copilot.llm import usage as token_usage
from copilot.llm.base import LLM
from copilot.retrieval.base import Retriever
from copilot.types import Answer, ApprovalRequest


class CopilotService:
    """Implements :class:`copilot.graph.contract.Copilot`; heavy dependencies are built lazily."""

    def __init__(self, settings: Settings, *, llm: LLM | None = None, embedder: Any = None,
                 retriever: Retriever | None = None, router: Any = None, table_qa: Any = None) -> None:
        self.settings = settings
        self.deps = Deps(settings, llm=llm, embedder=embedder, retriever=retriever, router=router, table_qa=table_qa)
        self.checkpointer = build_checkpointer(settings)
        self.graph = build_graph(self.checkpointer)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.desk = ApprovalDesk(self.deps, self.graph, self._lock_for)

    def start_background(self) -> None:
        """Server mode: recover interrupted decisions and deliver queued webhooks in a background thread."""
        self.desk.start()

    def warm(self) -> None:
        """Load the model, router and table QA now, and evaluate the shared system message once, so the
        first request pays neither the loading nor the prefill of the prefix every prompt starts with."""
        from copilot.agents.prompts.shared import shared_messages

        llm = self.deps.llm
        _ = self.deps.router, self.deps.table_qa
        warm = getattr(llm, "warm", None)
        if callable(warm):
            warm(shared_messages(""))

    def close(self) -> None:
        self.desk.stop()
        self.checkpointer.conn.close()

    # -- asking -----------------------------------------------------------------------------
    def _lock_for(self, thread_id: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(thread_id, threading.Lock())

    def _validate(self, message: str, thread_id: str | None, agent: str | None) -> tuple[str, str, str | None]:
        message = check_message(message, self.settings.server.max_message_chars)
        check_thread_id(thread_id)
        return message, thread_id or uuid.uuid4().hex, normalise_agent(agent)

    def stream(self, message: str, *, thread_id: str | None = None, agent: str | None = None,
               user: str = "anonymous", cancel: threading.Event | None = None,
               actions: bool = True) -> Iterator[Event]:
        """Events route -> sources -> (table_plan) -> token* -> (approval) -> done | error.
        ``actions=False`` answers without proposing anything for approval (no work order, record or report).
        Raises ValueError at once for an empty or oversized message, a bad thread id or an unknown agent."""
        message, thread_id, explicit = self._validate(message, thread_id, agent)
        self.desk.claim(thread_id, user)  # a thread belongs to the user who started it
        return self._run(message, thread_id, explicit, user, cancel, actions)

    def _run(self, message: str, thread_id: str, explicit: str | None, user: str,
             cancel: threading.Event | None, actions: bool = True) -> Iterator[Event]:
        lock = self._lock_for(thread_id)
        if not lock.acquire(timeout=self.settings.server.request_timeout_s):
            yield Event(type="error", data={"message": f"thread {thread_id} is busy with another request"})
            return
        try:
            config = {"configurable": {"thread_id": thread_id}}
            ctx = RunContext(deps=self.deps, thread_id=thread_id, cancel=cancel, allow_actions=actions)
            inp = {"question": message, "user": user, "explicit_agent": explicit, "turn_id": uuid.uuid4().hex}
            start = time.perf_counter()
            first: float | None = None
            try:
                with token_usage.meter() as usage:
                    for _mode, chunk in self.graph.stream(inp, config, context=ctx, stream_mode=["custom"]):
                        if chunk.get("type") == "token" and first is None:
                            first = time.perf_counter() - start
                        yield Event(type=chunk["type"], data=chunk.get("data", {}))
                values = self.graph.get_state(config).values
                answer = Answer(**values["answer"])
                answer.usage = {"prompt_tokens": usage["prompt_tokens"],
                                "completion_tokens": usage["completion_tokens"], "model_calls": usage["calls"]}
            except Exception as exc:  # noqa: BLE001 - reported as an error event and audited
                self.deps.audit.append("error", {"question": message, "error": f"{type(exc).__name__}: {exc}"},
                                       thread_id=thread_id)
                status = {"status": exc.http_status, "retry_after_s": getattr(exc, "retry_after_s", 5)} \
                    if getattr(exc, "http_status", None) else {}  # e.g. the model pool is saturated: 429
                yield Event(type="error", data={"message": f"{type(exc).__name__}: {exc}", **status})
                return
            answer.timings["first_token"] = round(first if first is not None else time.perf_counter() - start, 3)
            answer.timings["total"] = round(time.perf_counter() - start, 3)
            yield Event(type="done", data=answer.model_dump())
        finally:
            lock.release()

    def ask(self, message: str, *, thread_id: str | None = None, agent: str | None = None,
            user: str = "anonymous") -> Answer:
        """Run one turn to completion (stops at an approval interrupt); raises TurnFailed (a RuntimeError) on failure."""
        return answer_from_events(self.stream(message, thread_id=thread_id, agent=agent, user=user))

    # -- threads ----------------------------------------------------------------------------
    def _values(self, thread_id: str) -> dict[str, Any]:
        if not valid_thread_id(thread_id):
            raise KeyError(f"unknown thread {thread_id!r}")
        values = self.graph.get_state({"configurable": {"thread_id": thread_id}}).values
        if not values:
            raise KeyError(f"unknown thread {thread_id!r}")
        return values

    def history(self, thread_id: str) -> list[dict[str, Any]]:
        return [dict(m) for m in self._values(thread_id).get("messages", [])]

    def check_owner(self, thread_id: str, user: str) -> None:
        """ThreadAccessError when an existing thread belongs to someone other than ``user``."""
        owner = self.deps.store.thread_owner(thread_id)
        if owner is not None and owner != user:
            from copilot.graph.desk import ThreadAccessError

            raise ThreadAccessError(f"thread {thread_id!r} belongs to another user")

    def check_thread(self, thread_id: str, user: str, role: str) -> None:
        """KeyError for an unknown thread; ThreadAccessError unless ``user`` (with ``role``) may read it."""
        self._values(thread_id)
        self.desk.check_read(thread_id, user, role)

    def delete_thread(self, thread_id: str, actor: str = "system") -> None:
        """Delete a thread; PendingApprovalsError while it has a pending approval."""
        self._values(thread_id)
        with self._lock_for(thread_id):
            self.deps.store.delete_thread(thread_id)  # refuses while an approval is pending
            self.checkpointer.delete_thread(thread_id)
        self.deps.audit.append("thread_deleted", {"thread_id": thread_id}, thread_id=thread_id, actor=actor)

    # -- approvals --------------------------------------------------------------------------
    def list_approvals(self, status: str | None = "pending", requested_by: str | None = None) -> list[ApprovalRequest]:
        if status not in (None, "pending", "approved", "rejected"):
            raise ValueError(f"status must be pending, approved or rejected, not {status!r}")
        return self.deps.store.list_approvals(status, requested_by=requested_by)

    def get_approval(self, approval_id: str) -> ApprovalRequest:
        return self.deps.store.get_approval(approval_id)

    def decide(self, approval_id: str, decision: Decision, *, approver: str, comment: str | None = None,
               edited_payload: dict[str, Any] | None = None) -> ApprovalRequest:
        """Approve, edit-then-approve or reject, once: the first decision on an approval wins (in any process);
        a later one raises AlreadyDecided (a ValueError) and changes nothing."""
        if decision not in ("approve", "reject", "edit"):
            raise ValueError(f"decision must be approve, edit or reject, not {decision!r}")
        if not isinstance(approver, str) or not approver.strip():
            raise ValueError("approver must name the person who decides")
        return self.desk.decide(approval_id, decision, approver.strip(), comment, edited_payload)

    def webhook_deliveries(self, wo_id: str) -> dict[str, Any]:
        """The delivery log of one work order's webhook (KeyError for an unknown work order)."""
        from copilot.actions.outbox import deliveries

        self.deps.store.get_record("work_order", wo_id)
        return deliveries(self.deps.store.db_path, wo_id)

    # -- records ----------------------------------------------------------------------------
    def list_work_orders(self) -> list[dict[str, Any]]:
        return self.deps.store.list_records("work_order")

    def get_work_order(self, wo_id: str) -> dict[str, Any]:
        return self.deps.store.get_record("work_order", wo_id)

    def list_decision_records(self) -> list[dict[str, Any]]:
        return self.deps.store.list_records("decision_record")

    def get_decision_record(self, record_id: str) -> dict[str, Any]:
        return self.deps.store.get_record("decision_record", record_id)

    def list_reports(self) -> list[dict[str, Any]]:
        return self.deps.store.list_records("report")

    def record_feedback(self, thread_id: str, message_index: int, score: int, user: str,
                        comment: str | None = None) -> None:
        """Store a rating of one message of a thread; KeyError for an unknown thread, ValueError for bad input."""
        messages = self.history(thread_id)
        if not isinstance(message_index, int) or not 0 <= message_index < len(messages):
            raise ValueError(f"message_index must be 0..{len(messages) - 1}")
        check_feedback_score(score)
        self.deps.store.add_feedback(thread_id, message_index, score, user, comment)
        self.deps.audit.append("feedback", {"message_index": message_index, "score": score, "user": user,
                                            "comment": comment}, thread_id=thread_id)
