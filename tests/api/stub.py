"""A small stand-in implementing the Copilot protocol (for queue, timeout and cancellation tests)."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

from copilot.graph.contract import Event
from copilot.types import Answer, ApprovalRequest, Citation


class StubCopilot:
    """Answers with fixed tokens; ``delay`` seconds between tokens; maintenance turns propose a work order."""

    def __init__(self, delay: float = 0.0, tokens: int = 5) -> None:
        self.delay, self.tokens = delay, tokens
        self.threads: dict[str, list[dict[str, Any]]] = {}
        self.approvals: dict[str, ApprovalRequest] = {}
        self.work_orders: dict[str, dict[str, Any]] = {}
        self.feedback: list[tuple] = []
        self.cancelled = threading.Event()
        self.running = 0
        self.max_running = 0
        self._lock = threading.Lock()

    def stream(self, message: str, *, thread_id: str | None = None, agent: str | None = None,
               user: str = "anonymous", cancel: threading.Event | None = None,
               actions: bool = True) -> Iterator[Event]:
        with self._lock:
            self.running += 1
            self.max_running = max(self.max_running, self.running)
        try:
            thread_id = thread_id or uuid.uuid4().hex
            route = agent or ("maintenance" if "pump" in message.lower() else "general")
            yield Event(type="route", data={"route": route, "confidence": 1.0, "method": "stub"})
            cit = Citation(marker=1, chunk_id="c1", doc_id="d1", title="Pump manual", section="Cavitation", text="x")
            yield Event(type="sources", data={"citations": [cit.model_dump()]})
            text = ""
            for i in range(self.tokens):
                if cancel is not None and cancel.is_set():
                    self.cancelled.set()
                    return
                time.sleep(self.delay)
                text += f"word{i} "
                yield Event(type="token", data={"text": f"word{i} "})
            approval = None
            if route == "maintenance" and actions:
                approval = ApprovalRequest(id=uuid.uuid4().hex[:8], kind="work_order", thread_id=thread_id,
                                           payload={"asset": "P-101", "task": "inspect"}, summary="Inspect P-101")
                self.approvals[approval.id] = approval
                yield Event(type="approval", data=approval.model_dump())
            self.threads.setdefault(thread_id, []).extend(
                [{"role": "user", "content": message}, {"role": "assistant", "content": text}])
            answer = Answer(thread_id=thread_id, route=route, text=text + "[1]", citations=[cit], approval=approval)
            yield Event(type="done", data=answer.model_dump())
        except GeneratorExit:  # the runner stopped consuming: cancelled
            self.cancelled.set()
            raise
        finally:
            with self._lock:
                self.running -= 1

    def ask(self, message: str, **kw: Any) -> Answer:
        events = list(self.stream(message, **kw))
        return Answer.model_validate(events[-1].data)

    def history(self, thread_id: str) -> list[dict[str, Any]]:
        return list(self.threads[thread_id])

    def delete_thread(self, thread_id: str) -> None:
        del self.threads[thread_id]

    def list_approvals(self, status: str | None = "pending") -> list[ApprovalRequest]:
        return [a for a in self.approvals.values() if status is None or a.status == status]

    def get_approval(self, approval_id: str) -> ApprovalRequest:
        return self.approvals[approval_id]

    def decide(self, approval_id: str, decision: str, *, approver: str, comment: str | None = None,
               edited_payload: dict[str, Any] | None = None) -> ApprovalRequest:
        a = self.approvals[approval_id]
        status = "rejected" if decision == "reject" else "approved"
        if a.status != "pending":
            if a.status != status:
                raise ValueError(f"already {a.status}")
            return a
        a = a.model_copy(update={"status": status, "decided_by": approver, "comment": comment,
                                 "payload": edited_payload or a.payload})
        self.approvals[approval_id] = a
        if status == "approved":
            self.work_orders[a.id] = {"id": a.id, **a.payload, "approved_by": approver}
        return a

    def list_work_orders(self) -> list[dict[str, Any]]:
        return list(self.work_orders.values())

    def get_work_order(self, wo_id: str) -> dict[str, Any]:
        return self.work_orders[wo_id]

    def list_reports(self) -> list[dict[str, Any]]:
        return []

    def list_decision_records(self) -> list[dict[str, Any]]:
        return []

    def get_decision_record(self, record_id: str) -> dict[str, Any]:
        raise KeyError(record_id)

    def record_feedback(self, thread_id: str, message_index: int, score: int, user: str,
                        comment: str | None = None) -> None:
        self.feedback.append((thread_id, message_index, score, user, comment))
