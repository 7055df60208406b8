"""The one small protocol every agent implements, and the helpers they share."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from copilot.agents.answerability import is_specific, part_stated, should_abstain, sources_state
from copilot.agents.citations import MarkerFilter, format_sources
from copilot.agents.claim_check import ClaimChecker, ClaimGate
from copilot.agents.coverage import not_stated_message
from copilot.agents.prompts.shared import shared_messages
from copilot.agents.shapes import follow_on_asks, split_asks
from copilot.agents.source_statement import closest_statement
from copilot.config import Settings
from copilot.llm.base import LLM, Message
from copilot.retrieval.base import Filters, Retriever
from copilot.types import Citation, WithheldClaim


@dataclass
class TurnChecks:
    """What the claim check withheld while the answer streamed, and whether the model looped."""

    withheld: list[WithheldClaim] = field(default_factory=list)
    central_withheld: bool = False
    looped: bool = False
    invalid_markers: int = 0  # [n] markers the model wrote that point at no shown source (dropped)
    stated: bool | None = None  # the model's yes/no: do the sources state the asked fact (None: not asked)
    abstained: bool = False  # answered "the documents do not state this" instead of a model answer


@dataclass
class AgentContext:
    """Everything an agent may use for one turn. ``emit`` streams answer text to the user."""

    settings: Settings
    llm: LLM
    question: str  # standalone question (follow-ups rewritten with the thread history)
    original: str  # what the user typed
    thread_id: str
    sources: list[Citation] = field(default_factory=list)  # numbered sources shown to the model
    history: list[dict[str, Any]] = field(default_factory=list)
    agent_state: dict[str, Any] = field(default_factory=dict)  # per-thread state of this agent
    retriever: Retriever | None = None
    emit: Callable[[str], None] = lambda _t: None
    cancel: threading.Event | None = None
    checks: TurnChecks = field(default_factory=TurnChecks)


@dataclass
class AgentResult:
    """What an agent produced. ``proposal`` = {"kind", "payload", "summary"} needs human approval."""

    text: str
    model_text: str | None = None  # the model-written part (deterministic blocks excluded), for the support check
    grounded: bool = True  # the text rests on ctx.sources (citation check applies)
    proposal: dict[str, Any] | None = None
    structured: dict[str, Any] | None = None
    agent_state: dict[str, Any] | None = None
    timings: dict[str, float] = field(default_factory=dict)
    model_called: bool = False
    abstained: bool = False  # the answer says the documents do not hold what was asked
    # sources a deterministic part of the text rests on, found after the prompt was built: numbered after ctx.sources,
    # or with a shown source's marker to give that passage in full
    added_sources: list[Citation] = field(default_factory=list)
    computed: list[str] = field(default_factory=list)  # figures a rule computed (see figures.derived_figures)


def _no_filters(question: str) -> Filters | None:
    return None


def _no_extra_queries(question: str) -> list[tuple[str, Filters | None]]:
    return []


def _never(_: Any) -> bool:
    return False


@dataclass(frozen=True)
class AgentSpec:
    """Everything the graph knows about one agent; nodes reach agents only through this spec.

    ``grounded``: answers rest on retrieved sources, so with none the turn says "I don't know" and with
    some the coverage check runs first. ``continues(agent_state)``: this agent's per-thread state is an
    open conversation (e.g. the readiness interview) that the next turn continues without routing.
    ``starts_without_sources(question)``: the question opens such a conversation, which needs no source.
    ``about_assets``: questions are about plant assets, so a tag or code no source mentions is flagged; a
    governance or readiness question names an asset only as context ("the HP-501 vendor's AI add-on")."""

    name: str
    run: Callable[[AgentContext], AgentResult]
    grounded: bool = False
    needs_retrieval: bool = False
    uses_tables: bool = False
    filters: Callable[[str], Filters | None] = _no_filters
    extra_queries: Callable[[str], list[tuple[str, Filters | None]]] = _no_extra_queries
    continues: Callable[[dict[str, Any]], bool] = _never
    starts_without_sources: Callable[[str], bool] = _never
    about_assets: bool = True


def grounded_messages(instructions: str, ctx: AgentContext, extra: str = "") -> list[Message]:
    """The shared system message, then one user turn: agent instructions, numbered sources, the question."""
    user = f"{instructions.strip()}\n\nSources:\n{format_sources(ctx.sources)}\n\n{extra}{_question_block(ctx.question)}"
    return shared_messages(user)


def _question_block(question: str, parts: list[str] | None = None) -> str:
    """"Question: ...", and for several questions in one ("how far ... and how long ..."), each on its own line: the
    small model answered the first part only. ``parts`` replaces the question by those of its parts."""
    if parts is None:
        listed = [split_asks(question)[0], *follow_on_asks(question)] if follow_on_asks(question) else []
        text = f"Question: {question}"
    else:
        listed = parts if len(parts) > 1 else []
        text = "Question: " + "? ".join(p.rstrip("?") for p in parts) + "?"
    if listed:
        text += "\nThis asks " + str(len(listed)) + " things. Answer each on its own line:\n" + "\n".join(
            f"{i}. {a.rstrip('?')}?" for i, a in enumerate(listed, start=1))
    return text


def _asking_only(messages: list[Message], question: str, parts: list[str]) -> list[Message]:
    """``messages`` with the question cut to ``parts`` (the sources and everything before them unchanged)."""
    *head, last = messages
    content = last["content"]
    cut = content.rfind(_question_block(question))
    if cut < 0:
        return messages
    return [*head, {**last, "content": content[:cut] + _question_block(question, parts)}]


def _unstated_parts(ctx: AgentContext, messages: list[Message]) -> tuple[list[str], list[str]]:
    """(parts, the specific parts no source states) of a several-part question, by the model's yes/no per part
    (each on the answer prompt, prefix reused); ([], []) for a single question."""
    if not follow_on_asks(ctx.original):
        return [], []
    parts = [split_asks(ctx.original)[0], *follow_on_asks(ctx.original)]
    unstated = [p for p in parts if is_specific(p) and should_abstain(part_stated(ctx.llm, messages, p), p, ctx.sources)]
    return parts, unstated


def stream_answer(ctx: AgentContext, messages: list[Message], *, max_tokens: int | None = None,
                  check_stated: bool = False, lead: str = "", given: str = "") -> tuple[str, dict]:
    """Stream the model's answer to ``ctx.emit`` a checked sentence at a time; return (shown text, timings).

    Invalid markers are dropped; a sentence with a figure that no shown source holds is withheld and
    recorded in ``ctx.checks`` (:mod:`copilot.agents.claim_check`); a repeated sentence is dropped and a looping
    answer is stopped. With ``check_stated``, a specific question is first put to the model as a yes/no
    on the same prompt (:mod:`copilot.agents.answerability`); "no" is answered with an abstention instead. A question
    in several parts is checked part by part: unstated parts are left out of the prompt and named after the answer,
    and an abstention follows only when no part is stated. ``lead`` (a quoted table row) is shown before the model's
    text once the check has passed, and is part of the returned text. The figures of ``given`` count as given,
    like the user's (the rules' route of a decided tier: "Art. 50(1)")."""
    start = time.perf_counter()
    note = ""
    checked = check_stated and ctx.settings.agents.stated_check
    if checked and follow_on_asks(ctx.original):
        # several questions in one: each part is checked on its own; the parts no source states are left out of the
        # prompt and named after the answer ("... and who is leading that project": the model had invented a team)
        parts, unstated = _unstated_parts(ctx, messages)
        ctx.checks.stated = len(unstated) < len(parts)  # at least one part is stated
        if unstated and len(unstated) == len(parts):
            return _abstain(ctx, start)
        if unstated:
            messages = _asking_only(messages, ctx.question, [p for p in parts if p not in unstated])
            note = "\n\nThe documents I found do not state the answer to: " + "; ".join(p.rstrip("?") for p in unstated) + "."
    elif checked and is_specific(ctx.original):
        ctx.checks.stated = sources_state(ctx.llm, messages)
        if should_abstain(ctx.checks.stated, ctx.original, ctx.sources):
            return _abstain(ctx, start)
    if lead:
        say(ctx, lead)
    filt = MarkerFilter({c.marker for c in ctx.sources})
    gate = ClaimGate(ClaimChecker(ctx.sources, f"{ctx.original}\n{ctx.question}\n{given}"))
    start = time.perf_counter()
    first: float | None = None
    n = 0
    pieces = ctx.llm.stream(messages, max_tokens=max_tokens or ctx.settings.llm.max_tokens, cancel=ctx.cancel)
    try:
        for piece in pieces:
            n += 1
            shown = gate.feed(filt.feed(piece))
            if shown:
                first = first if first is not None else time.perf_counter() - start
                ctx.emit(shown)
            if gate.looping:
                break
    finally:
        close = getattr(pieces, "close", None)
        if close is not None:
            close()  # stops decoding when the loop was cut short
    tail = gate.feed(filt.flush()) + gate.flush() + note
    if tail:
        ctx.emit(tail)
    total = time.perf_counter() - start
    ctx.checks.withheld.extend(gate.checker.withheld)
    ctx.checks.central_withheld = ctx.checks.central_withheld or bool(gate.first_claim)
    ctx.checks.looped = ctx.checks.looped or gate.looping
    ctx.checks.invalid_markers += filt.dropped
    return lead + gate.text + note, {"llm_first_token": first or total, "llm_total": total, "llm_pieces": float(n)}


def _abstain(ctx: AgentContext, start: float) -> tuple[str, dict]:
    """The abstention naming what the sources cover, instead of a model answer."""
    ctx.checks.abstained = True
    text = not_stated_message(ctx.sources, ctx.settings.agents.escalation_contact)
    closest = closest_statement(ctx.sources, ctx.original)
    if closest:  # the yes/no check can be wrong: the sentence nearest to the question, quoted, lets the user judge
        text = text.replace(" Please check", closest + ". Please check", 1)
    say(ctx, text)
    took = time.perf_counter() - start
    return text, {"llm_first_token": took, "llm_total": took, "stated_check": took}


def say(ctx: AgentContext, text: str) -> None:
    """Emit a fixed (non-model) text as tokens so every client renders it the same way."""
    ctx.emit(text)
