"""Graph state (checkpointed per thread) and the run context (per call, never checkpointed)."""

from __future__ import annotations

import operator
import threading
from dataclasses import dataclass
from typing import Annotated, Any, TypedDict

from copilot.graph.deps import Deps


def _merge_dicts(left: dict[str, Any] | None, right: dict[str, Any] | None) -> dict[str, Any]:
    return {**(left or {}), **(right or {})}


class CopilotState(TypedDict, total=False):
    """Everything the graph knows about a thread. Values are plain JSON-able data."""

    # conversation (accumulates over turns)
    messages: Annotated[list[dict[str, Any]], operator.add]
    agent_state: Annotated[dict[str, Any], _merge_dicts]  # per-agent state, e.g. the readiness interview
    # one turn (overwritten every turn)
    turn_id: str
    question: str
    user: str
    explicit_agent: str | None
    safety: dict[str, Any]
    route: dict[str, Any]  # {"route", "confidence", "method"}
    search_query: str
    sources: list[dict[str, Any]]  # Citation dicts shown to the model
    best_relevance: float | None
    table: dict[str, Any] | None  # {"text", "citations", "plan", "rows"} from TableQA
    draft: dict[str, Any] | None  # AgentResult fields
    answer: dict[str, Any] | None  # Answer dict
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
