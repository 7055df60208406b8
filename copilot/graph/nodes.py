"""Graph nodes: plain functions ``(state, runtime) -> partial state``.

safety -> route -> prepare (rewrite, retrieve, tables) -> draft (agent, streamed) -> finalize
(citations, answer, audit, approval request) -> approval (interrupt, side effect after a decision).
"""

from __future__ import annotations

import time
from typing import Any

from langgraph.runtime import Runtime
from pydantic import BaseModel

from copilot.agents.asset_register import annotate_components, annotate_named, component_tags, named_equipment
from copilot.agents.base import AgentContext
from copilot.agents.citations import build_sources
from copilot.agents.coverage import check_coverage
from copilot.agents.implied_code import annotate_codes, implied_codes
from copilot.agents.jargon import expand_jargon
from copilot.agents.safe_way import FAULT_ROWS, rule_sources, safe_way
from copilot.agents.safety import check_request, without_instructions
from copilot.graph.contract import Event, EventType, Progress, RouteInfo, Sources, TablePlan, Token
from copilot.graph.finalize import finalize_answer
from copilot.graph.retrieve import (
    canonical_question,
    keyed_hits,
    pin_exact,
    rewrite_question,
    search,
    search_rules,
    table_answer,
)
from copilot.graph.state import CopilotState, Draft, RunContext
from copilot.identifiers import asset_tag_candidates
from copilot.types import Citation


def _emit(runtime: Runtime[RunContext], type_: EventType, payload: BaseModel) -> None:
    """Stream one typed event payload (see copilot.graph.contract.PAYLOADS)."""
    event = Event.of(type_, payload)
    runtime.stream_writer({"type": event.type, "data": event.data})


def safety_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Record the user turn and stop requests to defeat safety measures or to hijack the copilot."""
    deps = runtime.context.deps
    question = canonical_question(deps, state["question"])  # "P201" -> "P-201" for every later step
    verdict = check_request(question, contact=deps.settings.agents.escalation_contact, embedder=deps.embedder)
    update: dict[str, Any] = {
        "question": question,
        "messages": [{"role": "user", "content": question, "turn_id": state["turn_id"], "user": state.get("user")}],
        "safety": verdict.model_dump(), "draft": None, "answer": None, "proposal": None, "outcome": None,
        "sources": [], "table": None, "best_relevance": None, "timings": {"start": time.time()},
    }
    if verdict.action != "allow":
        # An escalation is about plant work (maintenance); a hijack attempt is out of scope.
        label = state.get("explicit_agent") or ("maintenance" if verdict.action == "escalate" else "out_of_scope")
        route = {"route": label, "confidence": 1.0, "method": "safety"}
        _emit(runtime, "route", RouteInfo(**route))
        _emit(runtime, "sources", Sources())
        _emit(runtime, "token", Token(text=verdict.message))
        update.update(route=route, search_query=question, draft=Draft(text=verdict.message).model_dump())
    return update


def after_safety(state: CopilotState) -> str:
    """Allowed: route it. Escalated: retrieve the site's procedures for the safe way. Refused: finish."""
    return {"allow": "route", "escalate": "prepare"}.get(state["safety"]["action"], "finalize")


def _escalated(state: CopilotState) -> bool:
    return (state.get("safety") or {}).get("action") == "escalate"


def route_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    deps = runtime.context.deps
    explicit = state.get("explicit_agent")
    history = [m for m in state.get("messages", [])[:-1]]
    agent_state = state.get("agent_state") or {}
    open_talk = [s.name for s in deps.agents.values() if s.continues(agent_state.get(s.name) or {})]
    if not explicit and open_talk:  # an open conversation (e.g. the readiness interview) continues
        route = {"route": open_talk[0], "confidence": 1.0, "method": "context"}
    else:
        d = deps.router.route(state["question"], history=history, explicit=explicit)
        route = {"route": d.route, "confidence": float(d.confidence), "method": d.method}
    _emit(runtime, "route", RouteInfo(**route))
    return {"route": route}


def prepare_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Rewrite a follow-up, answer spreadsheet questions from tables, else retrieve numbered sources."""
    deps = runtime.context.deps
    agent = deps.agents[state["route"]["route"]]
    t0 = time.perf_counter()
    query, how = rewrite_question(deps, state["question"], state.get("messages", []))
    if agent.needs_retrieval and not _escalated(state):
        # "the gear box on CV-401" names GB-401 for the tables, the search and the agent; "megger" is written
        # "insulation resistance test" by the documents
        parents = asset_tag_candidates(state["question"])
        if state["route"]["route"] == "maintenance":  # plant equipment, not a "press release" or a "model"
            # "the caustic pump" is P-201; beside named tags ("GB-401, GB-402 and the caustic agitator gearbox") only
            # equipment named with its own qualifying words
            named = [(words, tag) for words, tag in named_equipment(deps.retriever, state["question"])
                     if tag not in parents and (not parents or " " in words)]
            query, parents = annotate_named(query, named), [*parents, *(tag for _words, tag in named)]
            query = annotate_codes(query, implied_codes(deps.retriever, state["question"], parents))  # "p101 vib 7.8"
        query = expand_jargon(annotate_components(query, component_tags(deps.retriever, state["question"], parents)))
    elif _escalated(state):  # the safe way is searched in the documents' words ("stretch the permit": its validity)
        query = expand_jargon(query)
    update: dict[str, Any] = {"search_query": query}
    if agent.uses_tables and not _escalated(state):
        table = table_answer(deps, query, on_table=lambda name: _emit(runtime, "progress", Progress(
            stage="table", message=f"Reading the tables ({name})")))
        if table is not None:
            _emit(runtime, "sources", Sources(citations=table["citations"]))
            _emit(runtime, "table_plan", TablePlan(plan=table["plan"], rows=table["rows"]))
            update.update(table=table, sources=table["citations"], best_relevance=1.0)
            return update
    sources: list[Citation] = []
    rel = None
    if agent.needs_retrieval:
        _emit(runtime, "progress", Progress(stage="searching", message="Searching the documents"))
        if _escalated(state):
            sources = rule_sources(search_rules(deps, query), state["question"])
            sources += [Citation.from_chunk(len(sources) + i, h.chunk)  # the named alarm's own row: its documented fix
                        for i, h in enumerate(keyed_hits(deps.retriever, state["question"], [], FAULT_ROWS), start=1)]
        else:
            hits, rel = search(deps, query, agent.filters(query), agent.extra_queries(query))
            cfg = deps.settings.agents
            sources = build_sources(hits, cfg.context_budget_tokens, count=deps.count_tokens,
                                    question=query if cfg.focus_context else None)
            sources = pin_exact(deps, query, state["question"], hits, sources)
    cites = [c.model_dump() for c in sources]
    _emit(runtime, "sources", Sources(citations=sources))
    update.update(sources=cites, best_relevance=rel,
                  timings={**state.get("timings", {}), "retrieve": time.perf_counter() - t0, "rewrite_" + how: 1.0})
    return update


def dont_know(deps: Any) -> str:
    return ("The knowledge base does not cover this question, so I cannot answer it reliably. "
            f"Please ask {deps.settings.agents.escalation_contact}, or add the relevant documents to the knowledge base.")


def _agent_context(state: CopilotState, runtime: Runtime[RunContext], sources: list[Citation],
                   agent_state: dict[str, Any], emit: Any) -> AgentContext:
    deps = runtime.context.deps
    return AgentContext(
        settings=deps.settings, llm=deps.llm, question=state.get("search_query") or state["question"],
        original=state["question"], thread_id=runtime.context.thread_id,
        # what the agent reads and may quote verbatim: instruction-like lines left out
        sources=[c.model_copy(update={"text": without_instructions(c.text)}) for c in sources],
        history=state.get("messages", [])[:-1], agent_state=agent_state, retriever=deps.retriever,
        emit=emit, cancel=runtime.context.cancel,
    )


def draft_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Run the routed agent; its text streams out as ``token`` events."""
    deps = runtime.context.deps
    name = state["route"]["route"]
    agent = deps.agents[name]

    def emit(text: str) -> None:
        if text:
            _emit(runtime, "token", Token(text=text))

    table = state.get("table")
    if table is not None:
        emit(table["text"])
        return {"draft": Draft(text=table["text"], table=True, computed=table.get("computed", [])).model_dump()}
    sources = [Citation(**c) for c in state.get("sources", [])]
    agent_state = (state.get("agent_state") or {}).get(name, {})
    if _escalated(state):  # the refusal is shown already; add what the site procedures require instead
        ctx = _agent_context(state, runtime, sources, agent_state, emit)
        t0 = time.perf_counter()
        result = safe_way(ctx, (state.get("draft") or {}).get("text") or state["safety"]["message"])
        return {"draft": Draft(text=result.text, grounded=result.grounded).model_dump(),  # quoted, no model call
                "timings": {**state.get("timings", {}), "agent": time.perf_counter() - t0}}
    continues = agent.continues(agent_state)
    if agent.grounded and not sources and not continues and not agent.starts_without_sources(state["question"]):
        text = dont_know(deps)
        emit(text)
        return {"draft": Draft(text=text, dont_know=True).model_dump()}
    if agent.grounded and sources and not continues:
        coverage = check_coverage(f"{state['question']}\n{state.get('search_query') or ''}", sources,
                                  deps.settings.agents.escalation_contact, original=state["question"],
                                  about_assets=agent.about_assets)
        if not coverage.covered:
            emit(coverage.message)
            return {"draft": Draft(text=coverage.message, dont_know=True, abstained=True, coverage={
                "attribute": coverage.attribute, "entity": coverage.entity}).model_dump()}
    ctx = _agent_context(state, runtime, sources, agent_state, emit)
    t0 = time.perf_counter()
    result = agent.run(ctx)
    not_stated = result.abstained or ctx.checks.abstained
    draft = Draft(text=result.text, model_text=result.model_text, grounded=result.grounded and not not_stated,
                  proposal=None if not_stated else result.proposal, abstained=not_stated, dont_know=not_stated,
                  stated=ctx.checks.stated, structured=result.structured, model_called=result.model_called,
                  timings=result.timings, withheld=ctx.checks.withheld, central_withheld=ctx.checks.central_withheld,
                  looped=ctx.checks.looped, invalid_markers=ctx.checks.invalid_markers, computed=result.computed)
    update: dict[str, Any] = {"draft": draft.model_dump(),
                              "timings": {**state.get("timings", {}), "agent": time.perf_counter() - t0}}
    if result.agent_state is not None:
        update["agent_state"] = {name: result.agent_state}
    if result.added_sources:  # e.g. the obligations checklist section a governance rule block quotes (replacing a
        # shown passage of it by marker); clients get it with the answer's citations
        by_marker = {c.marker: c for c in [*sources, *result.added_sources]}
        update["sources"] = [by_marker[m].model_dump() for m in sorted(by_marker)]
    return update


def finalize_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Check the draft, build the Answer, write the audit record (the approval node stores any request)."""
    deps = runtime.context.deps
    if not runtime.context.allow_actions and (state.get("draft") or {}).get("proposal"):
        state = {**state, "draft": {**state["draft"], "proposal": None}}  # type: ignore[typeddict-item]
    return finalize_answer(deps, state, runtime.context.thread_id)
