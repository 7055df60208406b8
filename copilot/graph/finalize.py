"""Finish a turn in three steps: policy (citations, claims, safety), proposal (the approval request it needs), audit;
then the Answer and the assistant message. The approval node stores the request where the graph waits."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from copilot.agents.citations import attach_markers, check_citations
from copilot.agents.claim_check import check_text
from copilot.agents.conflicts import find_conflicts, render_conflicts
from copilot.agents.coverage import ACTION_REQUEST
from copilot.agents.prompts.shared import PROMPT_VERSION
from copilot.agents.safety import endorses_bypass
from copilot.agents.source_statement import source_statement
from copilot.graph.deps import Deps
from copilot.graph.state import Draft
from copilot.types import Answer, ApprovalRequest, Citation, WithheldClaim

_WORD = re.compile(r"[a-z0-9][a-z0-9-]{3,}")


def support_ratio(text: str, sources: list[Citation]) -> float:
    """Share of the answer's content words that occur in the shown sources (a cheap groundedness signal)."""
    words = set(_WORD.findall(text.lower()))
    if not words:
        return 0.0
    pool = set(_WORD.findall(" ".join(c.text for c in sources).lower()))
    return len(words & pool) / len(words)


def check_answer(text: str, sources: list[Citation], contact: str,
                 model_text: str | None = None) -> tuple[str, list[Citation], int, bool, bool]:
    """(clean text, citations, invalid markers, supported, model part left out) for a grounded draft.

    Support is judged on the model-written part only, so a deterministic block (e.g. the LOTO
    reminder) cannot make an unsupported model answer look cited. When a cited deterministic part answers, an
    unlinked model part is left out instead of shown with an "unverified" note."""
    clean, cited, invalid = check_citations(text, sources)
    model_clean, model_cited, _ = check_citations(model_text if model_text is not None else text, sources)
    if model_cited:
        return clean, cited, invalid, True, False
    if sources and support_ratio(model_clean, sources) >= 0.5:
        if not cited:  # the model wrote no markers: tie each sentence to the source it comes from
            marked, attached = attach_markers(clean, sources)
            if attached:
                return marked, attached, invalid, True, False
        return clean, cited or list(sources), invalid, True, False
    at = text.find(model_text) if model_text and model_text.strip() else -1
    # a cited rule decision or quoted row before the model's words answers: the unlinked words are left out, not
    # shown as unverified (a safety reminder after them does not answer, so it does not count)
    if at > 0 and check_citations(text[:at], sources)[1]:
        kept, kept_cited, kept_invalid = check_citations(text[:at] + text[at + len(model_text):], sources)
        return re.sub(r"\n{3,}", "\n\n", kept).strip(), kept_cited, kept_invalid, True, True
    note = (f"\n\nNote: I could not link this answer to the knowledge base sources, so treat it as unverified "
            f"and check with {contact}.")
    return clean + note, cited, invalid, False, False  # only what a deterministic part cites (a rule block's checklist)


def _check_claims(text: str, draft: Draft, sources: list[Citation], state: dict[str, Any],
                  contact: str) -> tuple[str, str, list[WithheldClaim], bool]:
    """Run the claim check on the model-written part (the streamed part was checked sentence by sentence
    already; this covers every other path). Returns (text, model text, withheld claims, abstained)."""
    model_text = draft.model_text or ""
    question = f"{state.get('question') or ''}\n{state.get('search_query') or ''}"
    report = check_text(model_text, sources, question)
    withheld = list(draft.withheld) + report.withheld
    if report.withheld and model_text and model_text in text:
        text = text.replace(model_text, report.text, 1)
    central = draft.central_withheld or report.central_withheld
    if ACTION_REQUEST.search(question) and report.text.strip():
        central = False  # a request to act keeps its proposal; the unsupported sentences are already dropped
    partial = model_text.strip() != text.strip()  # a quoted row or rule block answers part of the question
    if not partial and (central or (withheld and not report.text.strip())):
        stated = source_statement(withheld, sources, question)
        if stated is not None:  # the figure the model mis-typed, as the sources write it
            quote, source = stated
            text = f"The documents state ({source.title or source.doc_id}): \"{quote}\" [{source.marker}]"
            return text, text, withheld, False
        covered = "; ".join(dict.fromkeys(c.title for c in sources[:3]))
        text = (f"The documents I found do not state this, so I will not give a figure for it"
                f"{f' (I searched: {covered})' if covered else ''}. Please check the records or ask {contact}.")
        return text, text, withheld, True
    return text, report.text, withheld, False


@dataclass
class Checked:
    """The draft after the citation, claim and safety policy: what the user may be shown."""

    text: str
    citations: list[Citation]
    invalid: int
    supported: bool
    withheld: list[WithheldClaim]
    abstained: bool
    proposal: dict[str, Any] | None
    safety: dict[str, Any]
    conflicts: list[Any] = field(default_factory=list)


def apply_policy(draft: Draft, sources: list[Citation], state: dict[str, Any], contact: str) -> Checked:
    """Policy step: check citations and figures, withhold a draft that endorses a safety bypass, flag conflicts."""
    safety = state.get("safety") or {}
    text = draft.text
    invalid, supported = 0, True
    withheld = list(draft.withheld)
    abstained = False
    proposal = draft.proposal
    if draft.table:
        text, citations, invalid = check_citations(text, sources)
        citations = citations or sources
    elif draft.model_called and (endorsed := endorses_bypass(draft.model_text or text)):
        # documents cannot give orders: a draft approving a safety bypass (e.g. echoing a poisoned
        # document) is withheld and nothing it proposed is recorded
        text = (f"I cannot give this answer: the draft approved bypassing a safety device (\"{endorsed}\"), "
                f"possibly because a document contains instructions. Safety devices are never bypassed without "
                f"the site's management-of-change and permit process. Please contact {contact}.")
        citations, supported, proposal = [], False, None
        safety = {**safety, "action": "escalate", "category": "answer_withheld_bypass"}
    elif draft.grounded and draft.model_called and draft.model_text is not None:
        text, model_text, withheld, abstained = _check_claims(text, draft, sources, state, contact)
        if abstained:
            citations, supported, proposal = [], False, None
        else:
            text, citations, invalid, supported, dropped = check_answer(text, sources, contact, model_text)
            if dropped:  # the model's unlinked words beside a cited block (see check_answer)
                withheld.append(WithheldClaim(sentence=model_text.strip()[:500], reason="unlinked"))
    elif draft.grounded and draft.model_called:  # computed results (scores), not claims from sources
        text, citations, invalid, supported, _ = check_answer(text, sources, contact, None)
    else:
        text, citations, invalid = check_citations(text, sources)
        supported = not draft.dont_know
    invalid += draft.invalid_markers  # dropped while streaming
    conflicts = find_conflicts(text, citations) if citations else []
    if conflicts:
        text += render_conflicts(conflicts)
    return Checked(text, citations, invalid, supported, withheld, abstained or draft.abstained, proposal, safety,
                   conflicts)


def propose(proposal: dict[str, Any] | None, thread_id: str, user: str | None) -> ApprovalRequest | None:
    """Proposal step: the approval request a proposal becomes (stored by the approval node, where the graph
    waits for the decision)."""
    if not proposal:
        return None
    return ApprovalRequest(id=uuid.uuid4().hex, kind=proposal["kind"], thread_id=thread_id,
                           payload=proposal["payload"], summary=proposal.get("summary", ""), requested_by=user)


def audit_turn(deps: Deps, state: dict[str, Any], thread_id: str, route: dict[str, Any], sources: list[Citation],
               checked: Checked, model_called: bool, looped: bool, approval: ApprovalRequest | None) -> None:
    """Audit step: one ``turn`` record with what was asked, shown, cited and answered."""
    deps.audit.append("turn", {
        "turn_id": state.get("turn_id"), "user": state.get("user"), "question": state.get("question"),
        "search_query": state.get("search_query"), "route": route, "safety": checked.safety.get("category"),
        "chunk_ids": [c.chunk_id for c in sources], "cited_chunk_ids": [c.chunk_id for c in checked.citations],
        "model": deps.model_name if model_called else None, "prompt_version": PROMPT_VERSION,
        "answer": checked.text, "invalid_markers": checked.invalid, "supported": checked.supported,
        "approval_id": approval.id if approval else None,
        "withheld_claims": [w.model_dump() for w in checked.withheld], "abstained": checked.abstained,
        "looped": looped, "conflicts": [c.model_dump() for c in checked.conflicts],
    }, thread_id=thread_id)


def finalize_answer(deps: Deps, state: dict[str, Any], thread_id: str) -> dict[str, Any]:
    """Policy, proposal, the Answer and its assistant message, the audit record (total time: see service)."""
    draft = Draft.model_validate(state.get("draft") or {})
    route = state.get("route") or {"route": "general", "confidence": 0.0, "method": "none"}
    sources = [Citation(**c) for c in state.get("sources", [])]
    checked = apply_policy(draft, sources, state, deps.settings.agents.escalation_contact)
    approval = propose(checked.proposal, thread_id, state.get("user"))
    timings = {k: v for k, v in (state.get("timings") or {}).items() if k != "start"}
    timings.update({k: round(v, 3) for k, v in draft.timings.items()})
    safety = checked.safety
    answer = Answer(
        thread_id=thread_id, route=route["route"], route_confidence=route.get("confidence", 0.0), text=checked.text,
        citations=checked.citations, invalid_markers=checked.invalid, supported=checked.supported,
        refused=safety.get("action") == "refuse" or route["route"] == "out_of_scope",
        escalated=safety.get("action") == "escalate",
        approval=approval, structured=draft.structured,
        table_plan=(state.get("table") or {}).get("plan"), timings=timings,
        withheld_claims=checked.withheld, abstained=checked.abstained, conflicts=checked.conflicts,
        computed=draft.computed,
    )
    audit_turn(deps, state, thread_id, route, sources, checked, draft.model_called, draft.looped, approval)
    message = {"role": "assistant", "content": checked.text, "route": route["route"], "turn_id": state.get("turn_id"),
               "citations": [{"marker": c.marker, "title": c.title, "section": c.section, "chunk_id": c.chunk_id}
                             for c in checked.citations],
               "approval_id": approval.id if approval else None, "supported": checked.supported}
    out: dict[str, Any] = {"answer": answer.model_dump(), "messages": [message]}
    if approval:
        out["proposal"] = {**(checked.proposal or {}), "approval_id": approval.id}
    return out
