"""Request and response models of the HTTP API (shown in the OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool

from copilot.limits import FEEDBACK_MAX, FEEDBACK_MIN, THREAD_ID_MAX, THREAD_ID_PATTERN


def _json_integer(value: Any) -> Any:
    """A JSON integer (3 or 3.0, as JSON Schema says); booleans and strings are refused, not coerced."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("must be a JSON integer (not a boolean or a string)")
    return value


JsonInt = Annotated[int, BeforeValidator(_json_integer)]

AgentName = Literal["auto", "readiness", "governance", "maintenance"]


class ErrorResponse(BaseModel):
    """Every 4xx/5xx answer of the API."""

    error: str = Field(description="Short machine-readable error code, e.g. not_found.")
    detail: str = Field(description="What went wrong and how to fix it.")


class OpenAIErrorDetail(BaseModel):
    message: str = Field(description="What went wrong and how to fix it (the OpenAI SDKs show it).")
    type: str = Field(description="e.g. invalid_request_error, authentication_error, rate_limit_error.")
    param: str | None = None
    code: str | None = Field(None, description="Short machine-readable code, e.g. model_not_found.")


class OpenAIErrorResponse(BaseModel):
    """Errors of the OpenAI-compatible routes, in OpenAI's shape."""

    error: OpenAIErrorDetail


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, description="The user's question (at most server.max_message_chars).")
    thread_id: str | None = Field(None, pattern=THREAD_ID_PATTERN,
                                  description="Continue this conversation; omit to start one.")
    agent: AgentName | None = Field(None, description="Force an agent; default routes automatically.")
    stream: StrictBool = Field(True, description="Server-sent events when true, one JSON Answer when false "
                               "(a JSON boolean; 0/1 or strings are refused).")


class Message(BaseModel):
    role: str
    content: str
    model_config = ConfigDict(extra="allow")


class ThreadHistory(BaseModel):
    thread_id: str
    messages: list[dict[str, Any]]


class Deleted(BaseModel):
    deleted: str


class DecisionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: str | None = Field(None, max_length=4000, description="Why; stored with the decision.")


class EditDecisionRequest(DecisionRequest):
    payload: dict[str, Any] = Field(description="The edited payload that replaces the proposed one, then approved.")


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thread_id: str = Field(min_length=1, max_length=THREAD_ID_MAX)
    message_index: JsonInt = Field(ge=0, description="Index of the assistant message in the thread history.")
    score: JsonInt = Field(ge=FEEDBACK_MIN, le=FEEDBACK_MAX, description="1 thumbs up, -1 thumbs down, 0 neutral (an integer; "
                                                       "booleans are refused).")
    comment: str | None = Field(None, max_length=4000)


class Record(BaseModel):
    """A stored work order or decision record (fields depend on the kind)."""

    model_config = ConfigDict(extra="allow")
    id: str | None = None


class DeliveryAttempt(BaseModel):
    attempt: int
    started_at: str
    finished_at: str | None = None
    outcome: Literal["in_flight", "delivered", "failed", "lost"]
    http_status: int | None = None
    error: str | None = None


class WebhookDeliveries(BaseModel):
    """The webhook delivery of one work order: the outbox state and every attempt."""

    work_order_id: str
    delivery_id: str | None = Field(None, description="Also the Idempotency-Key header of every attempt.")
    status: Literal["pending", "in_flight", "delivered", "dead", "not_configured"]
    url: str | None = None
    attempt_count: int = 0
    last_error: str | None = None
    created_at: str | None = None
    delivered_at: str | None = None
    next_attempt_in_s: float | None = None
    attempts: list[DeliveryAttempt] = Field(default_factory=list)


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(min_length=1, max_length=4000)
    k: int = Field(6, ge=1, le=100)
    mode: Literal["hybrid", "dense", "bm25"] | None = None
    filters: dict[str, str | list[str]] | None = Field(None, description='e.g. {"doc_type": "sop"}')


class DocumentInfo(BaseModel):
    model_config = ConfigDict(extra="allow")
    doc_id: str
    title: str = ""
    doc_type: str = ""
    source: str = ""
    revision: str | None = None
    chunks: int = 0
    uploaded: bool = False


class UploadResult(BaseModel):
    filename: str
    bytes: int
    ingest: dict[str, Any] = Field(default_factory=dict)


class Health(BaseModel):
    status: str


class Ready(BaseModel):
    status: str
    chunks: int = 0
    detail: str = ""


class OpenAIMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list[dict[str, Any]] | None = None
    model_config = ConfigDict(extra="allow")


class StreamOptions(BaseModel):
    model_config = ConfigDict(extra="allow")
    include_usage: bool = Field(False, description="Send a last chunk with `usage` and empty `choices`.")


class CopilotOptions(BaseModel):
    """Copilot-specific options of an OpenAI request (send them with the SDK's ``extra_body={"copilot": {...}}``)."""

    model_config = ConfigDict(extra="forbid")
    thread_id: str | None = Field(None, pattern=THREAD_ID_PATTERN,
                                  description="Continue this copilot conversation (returned in X-Copilot-Thread-Id).")
    actions: bool = Field(False, description="Allow the answer to propose a work order, decision record or report "
                                             "for human approval (id in X-Copilot-Approval-Id). Off by default.")


class ChatCompletionRequest(BaseModel):
    """The subset of the OpenAI chat completions request the copilot honours (other OpenAI fields are accepted
    and ignored). The model picks the agent: ``industrial-copilot`` routes automatically,
    ``industrial-copilot-<agent>`` forces one (see ``GET /v1/models``)."""

    model_config = ConfigDict(extra="allow")
    model: str = "industrial-copilot"
    messages: list[OpenAIMessage] = Field(min_length=1)
    stream: StrictBool = False
    stream_options: StreamOptions | None = None
    user: str | None = None
    copilot: CopilotOptions | None = Field(None, description="Copilot extras: thread to continue, actions.")
