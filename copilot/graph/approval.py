"""The human-approval step: interrupt the graph, then tell the thread the outcome.

The decision itself is committed by :func:`copilot.actions.decisions.commit_decision` (one
transaction with its side effect, outbox entry and audit records) BEFORE the graph is resumed, so
the graph only reports what the database says. LangGraph re-runs an interrupted node from its start
on resume; everything here is read-only except the fallback for a resume without a committed decision.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from copilot.actions.decisions import AlreadyDecided, commit_decision
from copilot.graph.contract import Event
from copilot.graph.deps import Deps
from copilot.graph.state import CopilotState, RunContext
from copilot.types import ApprovalRequest

LABEL = {"work_order": "Work order", "decision_record": "Decision record", "report": "Report"}


def apply_decision(deps: Deps, thread_id: str, approval_id: str, resume: dict[str, Any]) -> dict[str, Any]:
    """The outcome of the committed decision (commits ``resume`` first if the approval is still pending)."""
    req = deps.store.get_approval(approval_id)
    if req.status == "pending" and resume.get("decision") in ("approve", "edit", "reject"):
        try:
            commit_decision(deps.store, deps.audit, approval_id, resume["decision"], actor=resume["approver"],
                            comment=resume.get("comment"), payload=resume.get("payload"),
                            webhook_url=deps.settings.agents.cmms_webhook_url)
        except AlreadyDecided:
            pass
        req = deps.store.get_approval(approval_id)
    if req.status == "rejected":
        return {"approval_id": approval_id, "status": "rejected", "record": None,
                "message": f"{LABEL[req.kind]} rejected by {req.decided_by}."}
    if req.status == "pending":
        return {"approval_id": approval_id, "status": "pending", "record": None,
                "message": f"{LABEL[req.kind]} is still waiting for a decision."}
    record = deps.store.record_for_approval(req.kind, approval_id)
    record_id = record["id"] if record else "?"
    return {"approval_id": approval_id, "status": req.status, "record": {"id": record_id, "kind": req.kind},
            "message": f"{LABEL[req.kind]} {record_id} recorded after approval by {req.decided_by}."}


def request_approval(deps: Deps, request: ApprovalRequest) -> bool:
    """Store the approval request and audit it, once (this node re-runs on resume); True when new."""
    try:
        deps.store.get_approval(request.id)
        return False
    except KeyError:
        pass
    deps.store.add_approval(request)
    deps.audit.append("approval_requested", {"approval_id": request.id, "kind": request.kind,
                                             "payload": request.payload}, thread_id=request.thread_id)
    return True


def approval_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Register the approval request, pause for a human decision on it, then report the decision."""
    proposal = state.get("proposal")
    if not proposal:
        return {}
    approval_id = proposal["approval_id"]
    request = ApprovalRequest.model_validate((state.get("answer") or {})["approval"])
    if request_approval(runtime.context.deps, request):
        runtime.stream_writer(Event.of("approval", request).model_dump())
    resume = interrupt({"approval_id": approval_id, "kind": proposal["kind"], "payload": proposal["payload"],
                        "summary": proposal.get("summary", "")})
    outcome = apply_decision(runtime.context.deps, runtime.context.thread_id, approval_id, resume or {})
    message = {"role": "assistant", "content": outcome["message"], "approval_id": approval_id,
               "route": (state.get("route") or {}).get("route"), "event": "approval_outcome"}
    return {"outcome": outcome, "messages": [message], "proposal": None}
