"""OpenAI-compatible ``/v1/chat/completions`` and ``/v1/models``, answered through the same graph.

Responses carry only OpenAI's fields. The last user message is the question; citations are appended
to the text as a "Sources:" list. Copilot extras travel outside the OpenAI body: the request's
``copilot`` object (thread to continue, ``actions``) and the response headers ``X-Copilot-Thread-Id``
and ``X-Copilot-Approval-Id``. Nothing is proposed for approval unless ``copilot.actions`` is true.
Errors use OpenAI's ``{"error": {...}}`` shape, also inside a stream.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sse_starlette.sse import EventSourceResponse

from copilot.api.deps import ServicesDep, Viewer
from copilot.api.errors import CODES, APIError, openai_error_body
from copilot.api.routes.chat import admit, check_message, collect_answer
from copilot.api.schemas import ChatCompletionRequest, OpenAIErrorResponse
from copilot.graph.contract import AnswerCollector, TurnFailed
from copilot.services.runner import GenerationTimeout
from copilot.types import Answer, Citation

router = APIRouter(prefix="/v1", tags=["openai"])
MODEL_ID = "industrial-copilot"
MODELS = {MODEL_ID: None, **{f"{MODEL_ID}-{a}": a for a in ("readiness", "governance", "maintenance")}}
THREAD_HEADER, APPROVAL_HEADER = "X-Copilot-Thread-Id", "X-Copilot-Approval-Id"


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for these error statuses, in OpenAI's error shape."""
    return {s: {"model": OpenAIErrorResponse, "description": CODES.get(s, "error")} for s in statuses}


def sources_text(citations: list[Citation]) -> str:
    """``\\n\\nSources:\\n[1] Title (section ..., page ...)`` or "" without citations."""
    if not citations:
        return ""
    return "\n\nSources:\n" + "\n".join(f"[{c.marker}] {c.label()}" for c in citations)


def tail_text(answer: Answer) -> str:
    """What follows the streamed answer: the sources and, when asked for, the proposal awaiting approval."""
    text = sources_text(answer.citations)
    if answer.approval is not None:
        kind = answer.approval.kind.replace("_", " ")
        text += f"\n\nProposed {kind} {answer.approval.id} awaits approval by an approver."
    return text


def usage(answer: Answer) -> dict[str, int]:
    prompt, completion = answer.usage.get("prompt_tokens", 0), answer.usage.get("completion_tokens", 0)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _question(body: ChatCompletionRequest) -> str:
    for msg in reversed(body.messages):
        if msg.role == "user":
            content = msg.content
            if isinstance(content, list):
                content = " ".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
            if content and content.strip():
                return content
    raise APIError(422, "messages must contain a non-empty user message")


def _agent(model: str) -> str | None:
    if model not in MODELS:
        raise APIError(404, f"the model {model!r} does not exist; use one of: {', '.join(MODELS)}",
                       code="model_not_found")
    return MODELS[model]


def _chunk(cid: str, created: int, model: str, delta: dict[str, Any] | None, finish: str | None = None,
           with_usage: bool = False, usage_: dict[str, int] | None = None) -> dict[str, str]:
    """One SSE frame; ``delta=None`` gives the usage chunk (empty ``choices``)."""
    body: dict[str, Any] = {"id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
                            "choices": [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if with_usage:  # as OpenAI does: "usage": null on every chunk but the last
        body["usage"] = usage_
    return {"data": json.dumps(body, ensure_ascii=False)}


async def _stream(services: Any, ticket: Any, question: str, model: str, kwargs: dict[str, Any],
                  include_usage: bool) -> AsyncIterator[dict[str, str]]:
    cid, created = f"chatcmpl-{uuid.uuid4().hex[:24]}", int(time.time())

    def chunk(delta: dict[str, Any] | None, finish: str | None = None, **kw: Any) -> dict[str, str]:
        return _chunk(cid, created, model, delta, finish, with_usage=include_usage, **kw)

    collector = AnswerCollector()
    yield chunk({"role": "assistant", "content": ""})
    try:
        async for event in services.runner.events(ticket, question, **kwargs):
            if event.type == "token":
                yield chunk({"content": event.data.get("text", "")})
            elif collector.feed(event) is not None:
                yield chunk({"content": tail_text(collector.answer)})
    except TurnFailed as exc:  # the SDK raises openai.APIError with this message
        yield {"data": json.dumps(openai_error_body(exc.status, str(exc)))}
        return
    except GenerationTimeout as exc:
        yield {"data": json.dumps(openai_error_body(503, str(exc), "timeout"))}
        return
    yield chunk({}, "stop")
    if include_usage and collector.answer is not None:
        yield chunk(None, usage_=usage(collector.answer))
    yield {"data": "[DONE]"}


@router.post("/chat/completions", summary="OpenAI-compatible chat completion",
             description="Works with the OpenAI SDKs (`base_url=<server>/v1`, `api_key=<copilot key>`), streamed "
                         "or not; `stream_options.include_usage` adds a last chunk with `usage`. Copilot extras: "
                         "request field `copilot` {thread_id, actions}; response headers `X-Copilot-Thread-Id` "
                         "(always) and `X-Copilot-Approval-Id` (when `copilot.actions` is true and the answer "
                         "proposes something for approval).",
             responses={200: {"content": {"application/json": {}, "text/event-stream": {}},
                              "headers": {THREAD_HEADER: {"description": "The copilot thread of this answer.",
                                                          "schema": {"type": "string"}},
                                          APPROVAL_HEADER: {"description": "Approval request raised (non-streamed).",
                                                            "schema": {"type": "string"}}}},
                        **responses(401, 404, 413, 415, 422, 429, 503)})
async def chat_completions(body: ChatCompletionRequest, services: ServicesDep, principal: Viewer) -> Any:
    agent = _agent(body.model)
    question = _question(body)
    check_message(services, question)
    options = body.copilot
    legacy = (body.model_extra or {}).get("thread_id")
    thread_id = (options.thread_id if options else None) or (legacy if isinstance(legacy, str) else None)
    thread_id = thread_id or uuid.uuid4().hex
    kwargs = {"thread_id": thread_id, "agent": agent, "user": principal.user,
              "actions": bool(options and options.actions)}
    ticket = admit(services)
    headers = {THREAD_HEADER: thread_id}
    if body.stream:
        include_usage = bool(body.stream_options and body.stream_options.include_usage)
        return EventSourceResponse(_stream(services, ticket, question, body.model, kwargs, include_usage),
                                   ping=15, headers=headers)
    answer = await collect_answer(services, ticket, question, **kwargs)
    if answer.approval is not None:
        headers[APPROVAL_HEADER] = answer.approval.id
    return JSONResponse({
        "id": f"chatcmpl-{uuid.uuid4().hex[:24]}", "object": "chat.completion", "created": int(time.time()),
        "model": body.model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.text + tail_text(answer)},
                     "finish_reason": "stop"}],
        "usage": usage(answer),
    }, headers=headers)


@router.get("/models", summary="OpenAI-compatible model list", responses=responses(401))
def models(_: Viewer) -> dict[str, Any]:
    """One model per way of answering: automatic routing, or one agent."""
    return {"object": "list", "data": [{"id": m, "object": "model", "created": 0, "owned_by": "local"}
                                       for m in MODELS]}
