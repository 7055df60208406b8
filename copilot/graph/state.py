"""Graph state (checkpointed per thread) and the run context (per call, never checkpointed)."""

from __future__ import annotations

import operator
import threading
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from pydantic import BaseModel, Field

from copilot.graph.deps import Deps
from copilot.types import WithheldClaim


def _merge_dicts(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    return {**(left or {}), **(right or {})}


class Draft(BaseModel):
    """What the draft step produced for finalize: the agent's result, the table answer or a fixed reply.
    Stored in the checkpoint as its JSON dump; finalize validates it once."""

    text: str = ""
    model_text: str | None = None  # the model-written part (deterministic blocks excluded)
    grounded: bool = False  # the text rests on the shown sources (citation check applies)
    model_called: bool = False
    proposal: dict[str, Any] | None = None  # {"kind", "payload", "summary"}: needs human approval
    structured: dict[str, Any] | None = None
    timings: dict[str, float] = Field(default_factory=dict)
    withheld: list[WithheldClaim] = Field(default_factory=list)  # claims withheld while streaming
    central_withheld: bool = False
    looped: bool = False
    invalid_markers: int = 0  # dropped while streaming
    table: bool = False  # answered from a table
    dont_know: bool = False  # no source covers the question
    abstained: bool = False
    stated: bool | None = None  # the model's yes/no: do the sources state the answer (None: not asked)
    coverage: dict[str, Any] | None = None  # {"attribute", "entity"} the sources do not cover
    computed: list[str] = Field(default_factory=list)  # figures a rule computed from the user's and the sources'


class CopilotState(TypedDict, total=False):
    """Everything the graph knows about a thread. Values are the JSON dumps of the typed models named below
    (checkpoints stay plain data); a node validates what it reads once (e.g. ``Draft.model_validate``)."""

    # conversation (accumulates over turns)
    messages: Annotated[list[dict[str, Any]], operator.add]
    agent_state: Annotated[dict[str, Any], _merge_dicts]  # per-agent state, e.g. the readiness interview
    # one turn (overwritten every turn)
    turn_id: str
    question: str
    user: str
    explicit_agent: str | None
    safety: dict[str, Any]
    route: dict[str, Any]  # contract.RouteInfo.model_dump()
    search_query: str
    sources: list[dict[str, Any]]  # Citation.model_dump() of each source shown to the model
    best_relevance: float | None
    table: dict[str, Any] | None  # {"text", "citations", "plan", "rows"} from TableQA
    draft: dict[str, Any] | None  # Draft.model_dump()
    answer: dict[str, Any] | None  # Answer.model_dump()
    proposal: dict[str, Any] | None  # {"kind", "payload", "summary", "approval_id"}
    outcome: dict[str, Any] | None  # result of the approval
    timings: dict[str, float]


@dataclass
class RunContext:
    """Per-run dependencies: injected through LangGraph's runtime context, never stored."""

    deps: Deps
    thread_id: str
    cancel: threading.Event | None = None
    allow_actions: bool = True  # False: a proposal (work order, record, report) is dropped, nothing awaits approval
