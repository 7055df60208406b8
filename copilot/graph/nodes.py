"""Graph nodes: plain functions ``(state, runtime) -> partial state``.

safety -> route -> prepare (rewrite, retrieve, tables) -> draft (agent, streamed) -> finalize
(citations, answer, audit, approval request) -> approval (interrupt, side effect after a decision).
"""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime

from agents.base import AgentContext
from agents.citations import build_sources
from agents.coverage import check_coverage
from agents.lookup import pin_rows
from agents.procedures import pin_procedure
from agents.safety import check_request
from agents.shapes import answer_shape
from copilot.graph.finalize import finalize_answer
from copilot.graph.retrieve import rewrite_question, search, table_answer
from copilot.graph.state import CopilotState, RunContext
from copilot.types import Citation

GROUNDED_ROUTES = ("readiness", "governance", "maintenance")


def _emit(runtime: Runtime[RunContext], type_: str, data: dict[str, Any]) -> None:
    runtime.stream_writer({"type": type_, "data": data})


def safety_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Record the user turn and stop requests to defeat safety measures or to hijack the copilot."""
    deps = runtime.context.deps
    question = state["question"]
    verdict = check_request(question, contact=deps.settings.agents.escalation_contact, embedder=deps.embedder)
    update: dict[str, Any] = {
        "messages": [{"role": "user", "content": question, "turn_id": state["turn_id"], "user": state.get("user")}],
        "safety": verdict.model_dump(), "draft": None, "answer": None, "proposal": None, "outcome": None,
        "sources": [], "table": None, "best_relevance": None, "timings": {"start": time.time()},
    }
    if verdict.action != "allow":
        # An escalation is about plant work (maintenance); a hijack attempt is out of scope.
        label = state.get("explicit_agent") or ("maintenance" if verdict.action == "escalate" else "out_of_scope")
        route = {"route": label, "confidence": 1.0, "method": "safety"}
        _emit(runtime, "route", route)
        _emit(runtime, "sources", {"citations": []})
        _emit(runtime, "token", {"text": verdict.message})
        update.update(route=route, search_query=question,
                      draft={"text": verdict.message, "grounded": False, "model_called": False})
    return update


def after_safety(state: CopilotState) -> str:
    return "route" if state["safety"]["action"] == "allow" else "finalize"


def route_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    deps = runtime.context.deps
    explicit = state.get("explicit_agent")
    history = [m for m in state.get("messages", [])[:-1]]
    if not explicit and (state.get("agent_state") or {}).get("readiness", {}).get("active"):
        route = {"route": "readiness", "confidence": 1.0, "method": "context"}
    else:
        d = deps.router.route(state["question"], history=history, explicit=explicit)
        route = {"route": d.route, "confidence": float(d.confidence), "method": d.method}
    _emit(runtime, "route", route)
    return {"route": route}


def prepare_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Rewrite a follow-up, answer spreadsheet questions from tables, else retrieve numbered sources."""
    deps = runtime.context.deps
    agent = deps.agents[state["route"]["route"]]
    t0 = time.perf_counter()
    query, how = rewrite_question(deps, state["question"], state.get("messages", []))
    update: dict[str, Any] = {"search_query": query}
    if getattr(agent, "uses_tables", False):
        table = table_answer(deps, query, on_table=lambda name: _emit(runtime, "progress", {
            "stage": "table", "message": f"Reading the tables ({name})"}))
        if table is not None:
            _emit(runtime, "sources", {"citations": table["citations"]})
            _emit(runtime, "table_plan", {"plan": table["plan"], "rows": table["rows"]})
            update.update(table=table, sources=table["citations"], best_relevance=1.0)
            return update
    sources: list[Citation] = []
    rel = None
    if agent.needs_retrieval:
        _emit(runtime, "progress", {"stage": "searching", "message": "Searching the documents"})
        extra = agent.extra_queries(query) if hasattr(agent, "extra_queries") else []
        hits, rel = search(deps, query, agent.filters(query), extra)
        cfg = deps.settings.agents
        sources = build_sources(hits, cfg.context_budget_tokens, count=deps.count_tokens,
                                question=query if cfg.focus_context else None)
        sources = pin_rows(sources, hits, f"{state['question']}\n{query}")
        if answer_shape(state["question"]) == "procedure":
            sources = pin_procedure(sources, hits)
    cites = [c.model_dump() for c in sources]
    _emit(runtime, "sources", {"citations": cites})
    update.update(sources=cites, best_relevance=rel,
                  timings={**state.get("timings", {}), "retrieve": time.perf_counter() - t0, "rewrite_" + how: 1.0})
    return update


def dont_know(deps: Any) -> str:
    return ("The knowledge base does not cover this question, so I cannot answer it reliably. "
            f"Please ask {deps.settings.agents.escalation_contact}, or add the relevant documents to the knowledge base.")


def draft_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Run the routed agent; its text streams out as ``token`` events."""
    deps = runtime.context.deps
    name = state["route"]["route"]
    agent = deps.agents[name]

    def emit(text: str) -> None:
        if text:
            _emit(runtime, "token", {"text": text})

    def emit_event(type_: str, data: dict[str, Any]) -> None:
        _emit(runtime, type_, data)

    table = state.get("table")
    if table is not None:
        emit(table["text"])
        return {"draft": {"text": table["text"], "grounded": False, "table": True, "model_called": False}}
    sources = [Citation(**c) for c in state.get("sources", [])]
    agent_state = (state.get("agent_state") or {}).get(name, {})
    if name in GROUNDED_ROUTES and not sources and not agent_state.get("active") and not _interview_start(agent, state):
        text = dont_know(deps)
        emit(text)
        return {"draft": {"text": text, "grounded": False, "dont_know": True, "model_called": False}}
    if name in GROUNDED_ROUTES and sources and not agent_state.get("active"):
        coverage = check_coverage(f"{state['question']}\n{state.get('search_query') or ''}", sources,
                                  deps.settings.agents.escalation_contact)
        if not coverage.covered:
            emit(coverage.message)
            return {"draft": {"text": coverage.message, "grounded": False, "dont_know": True, "abstained": True,
                              "model_called": False,
                              "coverage": {"attribute": coverage.attribute, "entity": coverage.entity}}}
    ctx = AgentContext(
        settings=deps.settings, llm=deps.llm, question=state.get("search_query") or state["question"],
        original=state["question"], thread_id=runtime.context.thread_id, sources=sources,
        history=state.get("messages", [])[:-1], agent_state=agent_state, retriever=deps.retriever,
        table_qa=None, emit=emit, emit_event=emit_event, cancel=runtime.context.cancel,
    )
    t0 = time.perf_counter()
    result = agent.run(ctx)
    not_stated = result.abstained or ctx.checks.abstained
    draft = {"text": result.text, "model_text": result.model_text, "grounded": result.grounded and not not_stated,
             "proposal": None if not_stated else result.proposal,
             "abstained": not_stated, "dont_know": not_stated, "stated": ctx.checks.stated,
             "structured": result.structured, "model_called": result.model_called, "timings": result.timings,
             "withheld": [w.model_dump() for w in ctx.checks.withheld],
             "central_withheld": ctx.checks.central_withheld, "looped": ctx.checks.looped,
             "invalid_markers": ctx.checks.invalid_markers}
    update: dict[str, Any] = {"draft": draft,
                              "timings": {**state.get("timings", {}), "agent": time.perf_counter() - t0}}
    if result.agent_state is not None:
        update["agent_state"] = {name: result.agent_state}
    return update


def _interview_start(agent: Any, state: CopilotState) -> bool:
    """The readiness interview (and a description to score) needs no retrieved source to start."""
    if agent.name != "readiness":
        return False
    from agents.readiness import START

    return bool(START.search(state["question"]))


def finalize_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Check citations, build the Answer, write the audit record and register any approval request."""
    deps = runtime.context.deps
    if not runtime.context.allow_actions and (state.get("draft") or {}).get("proposal"):
        state = {**state, "draft": {**state["draft"], "proposal": None}}  # type: ignore[typeddict-item]
    update = finalize_answer(deps, state, runtime.context.thread_id)
    if update.get("approval"):
        _emit(runtime, "approval", update["approval"])
    update.pop("approval", None)
    return update
