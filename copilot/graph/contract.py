"""What the API, UI, CLI and eval expect from the conversation graph.

``copilot.graph.service.CopilotService`` implements :class:`Copilot`. Streaming yields
:class:`Event` objects in this order: ``route`` -> ``sources`` -> (``table_plan``) ->
``token``* -> (``approval``) -> ``done`` (or ``error``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from copilot.types import Answer, ApprovalRequest

EventType = Literal["route", "progress", "sources", "table_plan", "token", "approval", "done", "error"]


class Event(BaseModel):
    """One streamed step of an answer.

    data by type:
      route:      {"route": str, "confidence": float, "method": str}
      progress:   {"stage": "searching" | "table", "message": str} (slow work under way)
      sources:    {"citations": [Citation dict, ...]}
      table_plan: {"plan": dict, "rows": int}
      token:      {"text": str}
      approval:   ApprovalRequest dict
      done:       Answer dict
      error:      {"message": str}
    """

    type: EventType
    data: dict[str, Any] = Field(default_factory=dict)


Decision = Literal["approve", "reject", "edit"]


class Copilot(Protocol):
    def ask(self, message: str, *, thread_id: str | None = None, agent: str | None = None,
            user: str = "anonymous") -> Answer:
        """Answer one turn (runs the whole graph; may stop at an approval interrupt)."""

    def stream(self, message: str, *, thread_id: str | None = None, agent: str | None = None,
               user: str = "anonymous", cancel: threading.Event | None = None,
               actions: bool = True) -> Iterator[Event]:
        """Same as ask, streamed as events; ``actions=False`` proposes nothing for approval."""

    def history(self, thread_id: str) -> list[dict[str, Any]]:
        """[{"role": "user"|"assistant", "content": str, ...}]; raises KeyError for an unknown thread."""

    def delete_thread(self, thread_id: str) -> None:
        """Raises KeyError for an unknown thread."""

    def list_approvals(self, status: str | None = "pending") -> list[ApprovalRequest]: ...

    def get_approval(self, approval_id: str) -> ApprovalRequest:
        """Raises KeyError for an unknown id."""

    def decide(self, approval_id: str, decision: Decision, *, approver: str, comment: str | None = None,
               edited_payload: dict[str, Any] | None = None) -> ApprovalRequest:
        """Resume the interrupted graph. Idempotent: deciding twice has one side effect.
        Raises KeyError (unknown id) or ValueError (already decided differently / invalid edit)."""

    def list_work_orders(self) -> list[dict[str, Any]]: ...

    def get_work_order(self, wo_id: str) -> dict[str, Any]: ...

    def list_decision_records(self) -> list[dict[str, Any]]: ...

    def get_decision_record(self, record_id: str) -> dict[str, Any]: ...

    def record_feedback(self, thread_id: str, message_index: int, score: int, user: str,
                        comment: str | None = None) -> None: ...
