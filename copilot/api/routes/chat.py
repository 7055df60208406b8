"""POST /v1/chat: one turn, streamed as server-sent events or returned as one Answer."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from sse_starlette.sse import EventSourceResponse

from copilot import limits
from copilot.api.deps import ServicesDep, Viewer
from copilot.api.errors import APIError, responses
from copilot.api.schemas import ChatRequest
from copilot.graph.contract import AnswerCollector, Event, TurnFailed
from copilot.services.runner import GenerationTimeout, QueueFull, Ticket
from copilot.types import Answer

router = APIRouter(prefix="/v1", tags=["chat"])

SSE_DOC = (
    "With `stream: true` (default) the response is `text/event-stream`; each event's name is its type "
    "and its data is JSON: `route` {route, confidence, method}, `progress` {stage, message} (slow work under "
    "way: searching, reading tables), `sources` {citations}, `table_plan` "
    "{plan, rows}, `token` {text}, `approval` (ApprovalRequest), `done` (the full Answer), `error` {message}."
)


def check_message(services: Any, message: str) -> None:
    """413 when the message is longer than server.max_message_chars; 422 when it is blank."""
    try:
        limits.check_message(message, services.settings.server.max_message_chars)
    except limits.InputRejected as exc:
        raise APIError(exc.status, str(exc)) from exc


def check_owner(services: Any, thread_id: str | None, user: str) -> None:
    """403 before queueing when ``thread_id`` belongs to another user (threads have owners)."""
    check = getattr(services.get_copilot(), "check_owner", None)
    if thread_id and callable(check):
        try:
            check(thread_id, user)
        except PermissionError as exc:
            raise APIError(403, f"{exc}; start a new thread or use one of yours") from exc


def admit(services: Any) -> Ticket:
    """A place in the generation queue, or 429 with Retry-After."""
    services.get_copilot()  # 503 before queueing when the model cannot be loaded
    try:
        return services.runner.admit()
    except QueueFull as exc:
        raise APIError(429, f"the model is busy ({exc}); retry shortly", headers={"Retry-After": "5"}) from exc


async def collect_answer(services: Any, ticket: Ticket, message: str, **kwargs: Any) -> Answer:
    """Run the graph to the end and return its Answer (503 on timeout, 500 on a graph error)."""
    collector = AnswerCollector()
    try:
        async for event in services.runner.events(ticket, message, **kwargs):
            collector.feed(event)
        return collector.result()
    except TurnFailed as exc:
        retry = {"Retry-After": str(int(exc.retry_after_s or 5))} if exc.status == 429 else None
        raise APIError(exc.status, f"the answer failed: {exc}", headers=retry) from exc
    except GenerationTimeout as exc:
        raise APIError(503, str(exc), code="timeout", headers={"Retry-After": "30"}) from exc


def sse(event: Event) -> dict[str, str]:
    return {"event": event.type, "data": json.dumps(event.data, ensure_ascii=False, default=str)}


async def stream_events(services: Any, ticket: Ticket, message: str, **kwargs: Any) -> AsyncIterator[dict[str, str]]:
    """SSE frames; a timeout becomes an ``error`` event (the status line is already sent)."""
    try:
        async for event in services.runner.events(ticket, message, **kwargs):
            yield sse(event)
    except GenerationTimeout as exc:
        yield sse(Event(type="error", data={"message": str(exc), "status": 503}))


@router.post(
    "/chat",
    response_model=Answer,
    summary="Ask the copilot",
    description="Answer one turn, grounded in the indexed documents. " + SSE_DOC,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Answer JSON or an SSE stream."},
               **responses(401, 403, 413, 415, 422, 429, 503)},
)
async def chat(body: ChatRequest, services: ServicesDep, principal: Viewer) -> Any:
    check_message(services, body.message)
    agent = None if body.agent in (None, "auto") else body.agent
    kwargs = {"thread_id": body.thread_id, "agent": agent, "user": principal.user}
    check_owner(services, body.thread_id, principal.user)
    ticket = admit(services)
    if body.stream:
        return EventSourceResponse(stream_events(services, ticket, body.message, **kwargs), ping=15)
    return await collect_answer(services, ticket, body.message, **kwargs)
