"""A decision as one durable state transition: pending -> approved | rejected.

The decision, the side effect it causes (work order, decision record, report), the webhook outbox
entry and the audit records all commit in ONE ``BEGIN IMMEDIATE`` transaction that first checks the
approval is still pending. Whichever process (server worker, CLI) commits first wins; every later
decision raises :class:`AlreadyDecided` (HTTP 409) and changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal

from copilot.actions import outbox
from copilot.actions.store import ActionStore
from copilot.db import transaction
from copilot.faults import fault
from copilot.types import ApprovalRequest, utcnow

Decision = Literal["approve", "edit", "reject"]


class AlreadyDecided(ValueError):
    """The approval was decided before; nothing was changed."""

    def __init__(self, req: ApprovalRequest) -> None:
        super().__init__(f"approval {req.id} was already {req.status} by {req.decided_by} at {req.decided_at}")
        self.approval = req


@dataclass
class DecisionResult:
    approval: ApprovalRequest
    record: dict[str, Any] | None
    delivery_id: str | None


def commit_decision(store: ActionStore, audit: Any, approval_id: str, decision: Decision, *, actor: str,
                    comment: str | None = None, payload: dict[str, Any] | None = None,
                    webhook_url: str | None = None) -> DecisionResult:
    """Apply the first decision on ``approval_id`` atomically; KeyError if unknown, AlreadyDecided if decided."""
    anchors: list[dict[str, Any]] = []
    record: dict[str, Any] | None = None
    delivery_id: str | None = None
    with transaction(store.db_path) as conn:
        row = conn.execute("SELECT * FROM approvals WHERE id=?", (approval_id,)).fetchone()
        if row is None:
            raise KeyError(f"unknown approval id {approval_id!r}")
        req = store.approval_from_row(row)
        if req.status != "pending":
            raise AlreadyDecided(req)
        status = "rejected" if decision == "reject" else "approved"
        final_payload = payload if (payload is not None and status == "approved") else req.payload
        conn.execute("UPDATE approvals SET status=?, decided_by=?, decided_at=?, comment=?, payload=? "
                     "WHERE id=? AND status='pending'",
                     (status, actor, utcnow(), comment, json.dumps(final_payload), approval_id))
        details: dict[str, Any] = {"approval_id": approval_id, "kind": req.kind, "decision": decision,
                                   "approver": actor, "comment": comment}
        if decision == "edit":
            details["payload"] = final_payload
        anchors.append(audit.append_in(conn, "approval_decided", details, thread_id=req.thread_id, actor=actor))
        if status == "approved":
            record = store.insert_record(conn, req.kind, approval_id, req.thread_id, final_payload, actor)
            if req.kind == "work_order" and webhook_url:
                delivery_id = outbox.enqueue_in(conn, record, webhook_url)
                record["webhook_status"] = "queued"
            anchors.append(audit.append_in(conn, "side_effect", {
                "approval_id": approval_id, "kind": req.kind, "record_id": record["id"],
                "webhook_delivery": delivery_id}, thread_id=req.thread_id, actor=actor))
        fault("decision:before_commit")
    audit.anchor(anchors[-1])
    return DecisionResult(store.get_approval(approval_id), record, delivery_id)
