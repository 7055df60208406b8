"""Finish a turn: citation check, the Answer, the assistant message, the audit record, approval request."""

from __future__ import annotations

import re
import time
import uuid
from typing import Any

from agents.citations import attach_markers, check_citations
from agents.claim_check import check_text
from agents.conflicts import find_conflicts, render_conflicts
from agents.coverage import ACTION_REQUEST
from agents.prompts.shared import PROMPT_VERSION
from agents.safety import endorses_bypass
from copilot.graph.deps import Deps
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
                 model_text: str | None = None) -> tuple[str, list[Citation], int, bool]:
    """(clean text, citations, invalid markers, supported) for a grounded draft.

    Support is judged on the model-written part only, so a deterministic block (e.g. the LOTO
    reminder) cannot make an unsupported model answer look cited."""
    clean, cited, invalid = check_citations(text, sources)
    model_clean, model_cited, _ = check_citations(model_text if model_text is not None else text, sources)
    if model_cited:
        return clean, cited, invalid, True
    if sources and support_ratio(model_clean, sources) >= 0.5:
        if not cited:  # the model wrote no markers: tie each sentence to the source it comes from
            marked, attached = attach_markers(clean, sources)
            if attached:
                return marked, attached, invalid, True
        return clean, cited or list(sources), invalid, True
    note = (f"\n\nNote: I could not link this answer to the knowledge base sources, so treat it as unverified "
            f"and check with {contact}.")
    return clean + note, [], invalid, False


def _check_claims(text: str, draft: dict[str, Any], sources: list[Citation], state: dict[str, Any],
                  contact: str) -> tuple[str, str, list[WithheldClaim], bool]:
    """Run the claim check on the model-written part (the streamed part was checked sentence by sentence
    already; this covers every other path). Returns (text, model text, withheld claims, abstained)."""
    model_text = draft["model_text"]
    question = f"{state.get('question') or ''}\n{state.get('search_query') or ''}"
    report = check_text(model_text, sources, question)
    withheld = [WithheldClaim(**w) for w in draft.get("withheld") or []] + report.withheld
    if report.withheld and model_text and model_text in text:
        text = text.replace(model_text, report.text, 1)
    central = draft.get("central_withheld") or report.central_withheld
    if ACTION_REQUEST.search(question) and report.text.strip():
        central = False  # a request to act keeps its proposal; the unsupported sentences are already dropped
    if central or (withheld and not report.text.strip()):
        covered = "; ".join(dict.fromkeys(c.title for c in sources[:3]))
        text = (f"The documents I found do not state this, so I will not give a figure for it"
                f"{f' (I searched: {covered})' if covered else ''}. Please check the records or ask {contact}.")
        return text, text, withheld, True
    return text, report.text, withheld, False


def finalize_answer(deps: Deps, state: dict[str, Any], thread_id: str) -> dict[str, Any]:
    draft = state.get("draft") or {"text": "", "grounded": False}
    route = state.get("route") or {"route": "general", "confidence": 0.0, "method": "none"}
    sources = [Citation(**c) for c in state.get("sources", [])]
    contact = deps.settings.agents.escalation_contact
    safety = state.get("safety") or {}
    text = draft["text"]
    invalid, supported = 0, True
    withheld = [WithheldClaim(**w) for w in draft.get("withheld") or []]
    abstained = False
    proposal = draft.get("proposal")
    if draft.get("table"):
        text, citations, invalid = check_citations(text, sources)
        citations = citations or sources
    elif draft.get("model_called") and (endorsed := endorses_bypass(draft.get("model_text") or text)):
        # documents cannot give orders: a draft approving a safety bypass (e.g. echoing a poisoned
        # document) is withheld and nothing it proposed is recorded
        text = (f"I cannot give this answer: the draft approved bypassing a safety device (\"{endorsed}\"), "
                f"possibly because a document contains instructions. Safety devices are never bypassed without "
                f"the site's management-of-change and permit process. Please contact {contact}.")
        citations, supported, proposal = [], False, None
        safety = {**safety, "action": "escalate", "category": "answer_withheld_bypass"}
    elif draft.get("grounded") and draft.get("model_called") and draft.get("model_text") is not None:
        text, model_text, withheld, abstained = _check_claims(text, draft, sources, state, contact)
        if abstained:
            citations, supported, proposal = [], False, None
        else:
            text, citations, invalid, supported = check_answer(text, sources, contact, model_text)
    elif draft.get("grounded") and draft.get("model_called"):  # computed results (scores), not claims from sources
        text, citations, invalid, supported = check_answer(text, sources, contact, None)
    else:
        text, citations, invalid = check_citations(text, sources)
        supported = not draft.get("dont_know", False)
    invalid += int(draft.get("invalid_markers") or 0)  # dropped while streaming
    conflicts = find_conflicts(text, citations) if citations else []
    if conflicts:
        text += render_conflicts(conflicts)
    timings = dict(state.get("timings") or {})
    start = timings.pop("start", None)
    if start:
        timings["total"] = round(time.time() - start, 3)
    timings.update({k: round(v, 3) for k, v in (draft.get("timings") or {}).items()})
    approval: ApprovalRequest | None = None
    if proposal:
        approval = ApprovalRequest(id=uuid.uuid4().hex, kind=proposal["kind"], thread_id=thread_id,
                                   payload=proposal["payload"], summary=proposal.get("summary", ""),
                                   requested_by=state.get("user"))
        deps.store.add_approval(approval)
    if draft.get("abstained"):
        abstained = True
    answer = Answer(
        thread_id=thread_id, route=route["route"], route_confidence=route.get("confidence", 0.0), text=text,
        citations=citations, invalid_markers=invalid, supported=supported,
        refused=safety.get("action") == "refuse" or route["route"] == "out_of_scope", escalated=safety.get("action") == "escalate",
        approval=approval, structured=draft.get("structured"),
        table_plan=(state.get("table") or {}).get("plan"), timings=timings,
        withheld_claims=withheld, abstained=abstained, conflicts=conflicts,
    )
    deps.audit.append("turn", {
        "turn_id": state.get("turn_id"), "user": state.get("user"), "question": state.get("question"),
        "search_query": state.get("search_query"), "route": route, "safety": safety.get("category"),
        "chunk_ids": [c.chunk_id for c in sources], "cited_chunk_ids": [c.chunk_id for c in citations],
        "model": deps.model_name if draft.get("model_called") else None, "prompt_version": PROMPT_VERSION,
        "answer": text, "invalid_markers": invalid, "supported": supported,
        "approval_id": approval.id if approval else None,
        "withheld_claims": [w.model_dump() for w in withheld], "abstained": abstained,
        "looped": bool(draft.get("looped")), "conflicts": [c.model_dump() for c in conflicts],
    }, thread_id=thread_id)
    if approval:
        deps.audit.append("approval_requested", {"approval_id": approval.id, "kind": approval.kind,
                                                 "payload": approval.payload}, thread_id=thread_id)
    message = {"role": "assistant", "content": text, "route": route["route"], "turn_id": state.get("turn_id"),
               "citations": [{"marker": c.marker, "title": c.title, "section": c.section, "chunk_id": c.chunk_id}
                             for c in citations],
               "approval_id": approval.id if approval else None, "supported": supported}
    out: dict[str, Any] = {"answer": answer.model_dump(), "messages": [message]}
    if approval:
        out["proposal"] = {**proposal, "approval_id": approval.id}
        out["approval"] = approval.model_dump()
    return out
