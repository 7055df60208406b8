"""Human approval of proposed actions, and the records approved actions produce.

A decision is final: the first approve / edit / reject on a request wins (across server workers
and the CLI); any later decision on it answers 409 and changes nothing.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Path, Query

from copilot.api.deps import Approver, CopilotDep, Viewer
from copilot.api.errors import APIError, responses
from copilot.api.schemas import DecisionRequest, EditDecisionRequest, Record, WebhookDeliveries
from copilot.services.auth import Principal
from copilot.types import ApprovalRequest

router = APIRouter(prefix="/v1", tags=["approvals"])
records = APIRouter(prefix="/v1", tags=["records"])



def _sees_all(principal: Principal) -> bool:
    return principal.has("approver")


@router.get("/approvals", response_model=list[ApprovalRequest], summary="List approval requests",
            description="Approvers and admins see every request; other roles see the requests of their own threads.",
            responses=responses(401, 422))
def list_approvals(copilot: CopilotDep, principal: Viewer,
                   status: Literal["pending", "approved", "rejected", "all"] = Query(
                       "pending", description="Filter by status; `all` lists every request.")) -> list[ApprovalRequest]:
    items = copilot.list_approvals(None if status == "all" else status)
    return items if _sees_all(principal) else [a for a in items if a.requested_by == principal.user]


@router.get("/approvals/{approval_id}", response_model=ApprovalRequest, summary="One approval request",
            responses=responses(401, 404))
def get_approval(copilot: CopilotDep, principal: Viewer, approval_id: str = Path(min_length=1, max_length=200)) -> ApprovalRequest:
    try:
        req = copilot.get_approval(approval_id)
    except KeyError as exc:
        raise APIError(404, f"no approval request with id {approval_id!r}") from exc
    if not _sees_all(principal) and req.requested_by != principal.user:
        raise APIError(404, f"no approval request with id {approval_id!r}")
    return req


def _decide(copilot: Any, approval_id: str, decision: str, approver: str, comment: str | None,
            payload: dict[str, Any] | None = None) -> ApprovalRequest:
    from copilot.actions.decisions import AlreadyDecided

    try:
        return copilot.decide(approval_id, decision, approver=approver, comment=comment, edited_payload=payload)
    except KeyError as exc:
        raise APIError(404, f"no approval request with id {approval_id!r}") from exc
    except AlreadyDecided as exc:
        raise APIError(409, f"cannot {decision} {approval_id!r}: {exc}; a decision is final") from exc
    except ValueError as exc:
        status = 409 if "already" in str(exc) else 422
        raise APIError(status, f"cannot {decision} {approval_id!r}: {exc}") from exc


_DECIDE_ERRORS = responses(400, 401, 403, 404, 409, 415, 422)
_DECIDE_ERRORS[409]["description"] = "The request was already decided (approved, edited or rejected); nothing changed."


@router.post("/approvals/{approval_id}/approve", response_model=ApprovalRequest, responses=_DECIDE_ERRORS,
             summary="Approve (approver role); records the action once")
def approve(copilot: CopilotDep, principal: Approver, body: DecisionRequest | None = None,
            approval_id: str = Path(min_length=1, max_length=200)) -> ApprovalRequest:
    return _decide(copilot, approval_id, "approve", principal.user, body.comment if body else None)


@router.post("/approvals/{approval_id}/reject", response_model=ApprovalRequest, responses=_DECIDE_ERRORS,
             summary="Reject (approver role); nothing is recorded")
def reject(copilot: CopilotDep, principal: Approver, body: DecisionRequest | None = None,
           approval_id: str = Path(min_length=1, max_length=200)) -> ApprovalRequest:
    return _decide(copilot, approval_id, "reject", principal.user, body.comment if body else None)


@router.post("/approvals/{approval_id}/edit", response_model=ApprovalRequest, responses=_DECIDE_ERRORS,
             summary="Edit the payload and approve it (approver role)")
def edit(body: EditDecisionRequest, copilot: CopilotDep, principal: Approver,
         approval_id: str = Path(min_length=1, max_length=200)) -> ApprovalRequest:
    return _decide(copilot, approval_id, "edit", principal.user, body.comment, body.payload)


@records.get("/work-orders", response_model=list[Record], summary="Approved work orders", responses=responses(401))
def list_work_orders(copilot: CopilotDep, _: Viewer) -> list[dict[str, Any]]:
    return copilot.list_work_orders()


@records.get("/work-orders/{wo_id}", response_model=Record, summary="One work order", responses=responses(401, 404))
def get_work_order(copilot: CopilotDep, _: Viewer, wo_id: str = Path(min_length=1, max_length=200)) -> dict[str, Any]:
    try:
        return copilot.get_work_order(wo_id)
    except KeyError as exc:
        raise APIError(404, f"no work order with id {wo_id!r}") from exc


@records.get("/work-orders/{wo_id}/deliveries", response_model=WebhookDeliveries,
             summary="Webhook delivery log of one work order", responses=responses(401, 404),
             description="The outbox state and every delivery attempt (time, HTTP status, error). Deliveries are "
                         "signed (`X-Copilot-Signature`), carry an `Idempotency-Key` and are retried with backoff.")
def get_deliveries(copilot: CopilotDep, _: Viewer, wo_id: str = Path(min_length=1, max_length=200)) -> dict[str, Any]:
    try:
        return copilot.webhook_deliveries(wo_id)
    except KeyError as exc:
        raise APIError(404, f"no work order with id {wo_id!r}") from exc


@records.get("/decision-records", response_model=list[Record], summary="Approved decision records",
             responses=responses(401))
def list_decision_records(copilot: CopilotDep, _: Viewer) -> list[dict[str, Any]]:
    return copilot.list_decision_records()


@records.get("/decision-records/{record_id}", response_model=Record, summary="One decision record",
             responses=responses(401, 404))
def get_decision_record(copilot: CopilotDep, _: Viewer, record_id: str = Path(min_length=1, max_length=200)) -> dict[str, Any]:
    try:
        return copilot.get_decision_record(record_id)
    except KeyError as exc:
        raise APIError(404, f"no decision record with id {record_id!r}") from exc
