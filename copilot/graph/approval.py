"""The human-approval step: interrupt the graph, then apply the decision exactly once.

LangGraph re-runs an interrupted node from its start on resume, so everything here is idempotent:
the side effect is keyed by the approval id (UNIQUE in the store) and the decision is written only
while the approval is still pending.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt

from copilot.actions.executor import execute_action
from copilot.graph.deps import Deps
from copilot.graph.state import CopilotState, RunContext

LABEL = {"work_order": "Work order", "decision_record": "Decision record", "report": "Report"}


def apply_decision(deps: Deps, thread_id: str, approval_id: str, resume: dict[str, Any]) -> dict[str, Any]:
    """Record the decision and (when approved) the side effect; safe to call any number of times."""
    req = deps.store.get_approval(approval_id)
    decision = resume["decision"]
    approver = resume["approver"]
    was_pending = req.status == "pending"
    if decision == "reject":
        final = deps.store.mark_decided(approval_id, "rejected", approver, resume.get("comment"), req.payload)
        if was_pending and final.status == "rejected":
            deps.audit.append("approval_decided", {"approval_id": approval_id, "decision": "reject",
                                                   "approver": approver, "comment": resume.get("comment")},
                              thread_id=thread_id)
        return {"approval_id": approval_id, "status": final.status, "record": None,
                "message": f"{LABEL[req.kind]} rejected by {final.decided_by}."}
    if req.status == "rejected":
        return {"approval_id": approval_id, "status": "rejected", "record": None,
                "message": f"{LABEL[req.kind]} was already rejected by {req.decided_by}."}
    payload = resume.get("payload") or req.payload
    record, created = execute_action(deps.store, req.kind, approval_id, thread_id, payload, approver,
                                     deps.settings.agents.cmms_webhook_url)
    final = deps.store.mark_decided(approval_id, "approved", approver, resume.get("comment"), payload)
    if created:
        deps.audit.append("approval_decided", {"approval_id": approval_id, "decision": decision,
                                               "approver": approver, "comment": resume.get("comment"),
                                               "payload": payload}, thread_id=thread_id)
        deps.audit.append("side_effect", {"approval_id": approval_id, "kind": req.kind, "record_id": record["id"],
                                          "webhook": record.get("webhook_status")}, thread_id=thread_id)
    return {"approval_id": approval_id, "status": final.status, "record": {"id": record["id"], "kind": req.kind},
            "message": f"{LABEL[req.kind]} {record['id']} recorded after approval by {final.decided_by}."}


def approval_node(state: CopilotState, runtime: Runtime[RunContext]) -> dict[str, Any]:
    """Pause for a human decision on the proposal, then carry it out."""
    proposal = state.get("proposal")
    if not proposal:
        return {}
    approval_id = proposal["approval_id"]
    resume = interrupt({"approval_id": approval_id, "kind": proposal["kind"], "payload": proposal["payload"],
                        "summary": proposal.get("summary", "")})
    outcome = apply_decision(runtime.context.deps, runtime.context.thread_id, approval_id, resume)
    message = {"role": "assistant", "content": outcome["message"], "approval_id": approval_id,
               "route": (state.get("route") or {}).get("route"), "event": "approval_outcome"}
    return {"outcome": outcome, "messages": [message], "proposal": None}
