"""OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models``, answered through the same graph.

The last user message is the question; earlier turns come from the copilot's own thread when the
request carries a ``thread_id`` extra field. Citations are appended to the text as a "Sources:" list.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from sse_starlette.sse import EventSourceResponse

from copilot.api.deps import ContainerDep, Viewer
from copilot.api.errors import APIError, responses
from copilot.api.routes.chat import admit, check_message, collect_answer
from copilot.api.runner import GenerationTimeout
from copilot.api.schemas import ChatCompletionRequest
from copilot.types import Answer, Citation

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_ID = "industrial-copilot"


def sources_text(citations: list[Citation]) -> str:
    """``\\n\\nSources:\\n[1] Title (section ..., page ...)`` or "" without citations."""
    if not citations:
        return ""
    lines = []
    for c in citations:
        where = ", ".join(p for p in (c.section and f"section {c.section}", c.page is not None and f"page {c.page}",
                                      c.row is not None and f"row {c.row}", c.revision and f"rev. {c.revision}") if p)
        lines.append(f"[{c.marker}] {c.title or c.doc_id}" + (f" ({where})" if where else ""))
    return "\n\nSources:\n" + "\n".join(lines)


def _question(body: ChatCompletionRequest) -> str:
    for msg in reversed(body.messages):
        if msg.role == "user":
            content = msg.content
            if isinstance(content, list):
                content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            if content and content.strip():
                return content
    raise APIError(422, "messages must contain a non-empty user message")


def _chunk(cid: str, created: int, delta: dict[str, Any], finish: str | None = None) -> dict[str, str]:
    return {"data": json.dumps({"id": cid, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID,
                                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})}


async def _stream(container: Any, ticket: Any, question: str, kwargs: dict[str, Any]) -> AsyncIterator[dict[str, str]]:
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())
    yield _chunk(cid, created, {"role": "assistant", "content": ""})
    try:
        async for event in container.runner.events(ticket, question, **kwargs):
            if event.type == "token":
                yield _chunk(cid, created, {"content": event.data.get("text", "")})
            elif event.type == "done":
                answer = Answer.model_validate(event.data)
                yield _chunk(cid, created, {"content": sources_text(answer.citations)})
            elif event.type == "error":
                yield _chunk(cid, created, {"content": f"\n[error: {event.data.get('message', '')}]"})
    except GenerationTimeout as exc:
        yield _chunk(cid, created, {"content": f"\n[error: {exc}]"})
    yield _chunk(cid, created, {}, "stop")
    yield {"data": "[DONE]"}


@router.post("/chat/completions", summary="OpenAI-compatible chat completion",
             description="Works with the OpenAI SDKs (`base_url=<server>/v1`, `api_key=<copilot key>`).",
             responses={200: {"content": {"application/json": {}, "text/event-stream": {}}},
                        **responses(401, 413, 415, 422, 429, 503)})
async def chat_completions(body: ChatCompletionRequest, container: ContainerDep, principal: Viewer) -> Any:
    question = _question(body)
    check_message(container, question)
    extra = body.model_extra or {}
    thread_id = extra.get("thread_id") if isinstance(extra.get("thread_id"), str) else None
    kwargs = {"thread_id": thread_id, "agent": None, "user": principal.user}
    ticket = admit(container)
    if body.stream:
        return EventSourceResponse(_stream(container, ticket, question, kwargs), ping=15)
    answer = await collect_answer(container, ticket, question, **kwargs)
    text = answer.text + sources_text(answer.citations)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
        "model": MODEL_ID, "thread_id": answer.thread_id,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": answer.usage.get("prompt_tokens", 0),
                  "completion_tokens": answer.usage.get("completion_tokens", 0),
                  "total_tokens": answer.usage.get("prompt_tokens", 0) + answer.usage.get("completion_tokens", 0)},
    }


@router.get("/models", summary="OpenAI-compatible model list", responses=responses(401))
def models(_: Viewer) -> dict[str, Any]:
    return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "local"}]}
