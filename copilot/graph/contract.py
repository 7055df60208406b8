"""What the API, UI, CLI and eval expect from the conversation graph.

``copilot.graph.service.CopilotService`` implements :class:`Copilot`. Streaming yields
:class:`Event` objects in this order: ``route`` -> ``sources`` -> (``table_plan``) ->
``token``* -> (``approval``) -> ``done`` (or ``error``).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from typing import Any, Literal, Protocol

from pydantic import BaseModel, Field

from copilot.types import Answer, ApprovalRequest, Citation

EventType = Literal["route", "progress", "sources", "table_plan", "token", "approval", "done", "error"]


class RouteInfo(BaseModel):
    """Which agent answers, how sure the router is, and how it decided (``explicit``, ``context``, ...)."""

    route: str
    confidence: float
    method: str


class Progress(BaseModel):
    stage: str  # "searching" | "table"
    message: str


class Sources(BaseModel):
    citations: list[Citation] = Field(default_factory=list)


class TablePlan(BaseModel):
    plan: dict[str, Any]
    rows: int


class Token(BaseModel):
    text: str


class Failure(BaseModel):
    message: str
    status: int | None = None  # the HTTP status a front end should answer with (None: 500)
    retry_after_s: float | None = None  # with 429/503: when to retry (e.g. the model pool is saturated)


PAYLOADS: dict[str, type[BaseModel]] = {
    "route": RouteInfo, "progress": Progress, "sources": Sources, "table_plan": TablePlan, "token": Token,
    "approval": ApprovalRequest, "done": Answer, "error": Failure,
}


class Event(BaseModel):
    """One streamed step of an answer; ``data`` is the JSON form of the payload model of its type
    (:data:`PAYLOADS`): route -> sources -> (table_plan) -> token* -> (approval) -> done | error."""

    type: EventType
    data: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, type_: EventType, payload: BaseModel) -> Event:
        """The event for a typed payload (the payload's model must match ``type_``)."""
        assert isinstance(payload, PAYLOADS[type_]), (type_, type(payload).__name__)
        return cls(type=type_, data=payload.model_dump())

    def payload(self) -> BaseModel:
        """``data`` validated as the payload model of this event's type."""
        return PAYLOADS[self.type].model_validate(self.data)


class TurnFailed(RuntimeError):
    """A turn ended with an ``error`` event (or without an answer); ``status`` is the HTTP status to use."""

    def __init__(self, message: str, status: int = 500, retry_after_s: float | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after_s = retry_after_s


class AnswerCollector:
    """Turns one turn's events into the Answer every client gets: the API, the CLI, ``Copilot.ask`` and the
    eval all read the answer through here, so the eval scores exactly what users receive."""

    def __init__(self) -> None:
        self.answer: Answer | None = None

    def feed(self, event: Event) -> Answer | None:
        """The Answer once the ``done`` event arrives; TurnFailed on an ``error`` event; None before."""
        if event.type == "done":
            self.answer = Answer.model_validate(event.data)
            return self.answer
        if event.type == "error":
            failure = Failure.model_validate(event.data)
            raise TurnFailed(failure.message or "unknown error", failure.status or 500, failure.retry_after_s)
        return None

    def result(self) -> Answer:
        """The Answer, or TurnFailed when the events ended without one."""
        if self.answer is None:
            raise TurnFailed("the answer ended without a result")
        return self.answer


def answer_from_events(events: Iterable[Event]) -> Answer:
    """Read a turn's events to the end of the turn and return its Answer (TurnFailed on an error event)."""
    collector = AnswerCollector()
    for event in events:
        collector.feed(event)
    return collector.result()


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

    def list_reports(self) -> list[dict[str, Any]]:
        """Approved readiness reports."""

    def get_decision_record(self, record_id: str) -> dict[str, Any]: ...

    def record_feedback(self, thread_id: str, message_index: int, score: int, user: str,
                        comment: str | None = None) -> None: ...
