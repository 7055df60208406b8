"""Conversation threads and feedback on answers. A thread belongs to the user who started it:
only they continue it and rate its answers; admins, and approvers deciding on one of its
requests, may read it. A thread with a pending approval cannot be deleted."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path

from copilot.api.deps import CopilotDep, Operator, Viewer
from copilot.api.errors import APIError, responses
from copilot.api.schemas import Deleted, FeedbackRequest, ThreadHistory
from copilot.limits import THREAD_ID_MAX
from copilot.services.auth import Principal

router = APIRouter(prefix="/v1", tags=["threads"])



def check_access(copilot: Any, thread_id: str, principal: Principal, *, write: bool = False) -> None:
    """404 for an unknown thread, 403 when ``principal`` may not read (or, with ``write``, change) it."""
    check = getattr(copilot, "check_thread", None)
    try:
        if callable(check):
            check(thread_id, principal.user, principal.role if not write else ("admin" if principal.has("admin") else "none"))
        else:
            copilot.history(thread_id)
    except KeyError as exc:
        raise APIError(404, f"no thread with id {thread_id!r}") from exc
    except PermissionError as exc:
        raise APIError(403, f"{exc}; only its owner{' or an admin' if write else ''} may "
                            f"{'change' if write else 'read'} it") from exc


@router.get("/threads/{thread_id}", response_model=ThreadHistory, summary="Messages of a thread (owner, admin, "
            "or an approver with a request in it)", responses=responses(401, 403, 404))
def get_thread(copilot: CopilotDep, principal: Viewer, thread_id: str = Path(min_length=1, max_length=THREAD_ID_MAX, description="A thread id from /v1/chat.")) -> ThreadHistory:
    check_access(copilot, thread_id, principal)
    try:
        return ThreadHistory(thread_id=thread_id, messages=copilot.history(thread_id))
    except KeyError as exc:
        raise APIError(404, f"no thread with id {thread_id!r}") from exc


_DELETE_ERRORS = responses(401, 403, 404, 409)
_DELETE_ERRORS[409]["description"] = "The thread has a pending approval; decide it first."


@router.delete("/threads/{thread_id}", response_model=Deleted, summary="Delete your thread (operator; admins any)",
               responses=_DELETE_ERRORS)
def delete_thread(copilot: CopilotDep, principal: Operator, thread_id: str = Path(min_length=1, max_length=THREAD_ID_MAX, description="A thread id from /v1/chat.")) -> Deleted:
    from copilot.actions.store import PendingApprovalsError

    check_access(copilot, thread_id, principal, write=True)
    try:
        try:
            copilot.delete_thread(thread_id, actor=principal.user)
        except TypeError:  # a Copilot without actor support
            copilot.delete_thread(thread_id)
    except KeyError as exc:
        raise APIError(404, f"no thread with id {thread_id!r}") from exc
    except PendingApprovalsError as exc:
        raise APIError(409, str(exc)) from exc
    return Deleted(deleted=thread_id)


@router.post("/feedback", response_model=dict[str, str], summary="Thumbs up/down on an answer of your thread (operator)",
             responses=responses(400, 401, 403, 404, 415, 422))
def feedback(body: FeedbackRequest, copilot: CopilotDep, principal: Operator) -> dict[str, str]:
    check_access(copilot, body.thread_id, principal, write=True)
    try:
        history = copilot.history(body.thread_id)
    except KeyError as exc:
        raise APIError(404, f"no thread with id {body.thread_id!r}") from exc
    if body.message_index >= len(history):
        raise APIError(404, f"thread {body.thread_id!r} has {len(history)} messages; no index {body.message_index}")
    try:
        copilot.record_feedback(body.thread_id, body.message_index, body.score, principal.user, body.comment)
    except (KeyError, ValueError) as exc:
        raise APIError(422, f"feedback refused: {exc}") from exc
    return {"status": "recorded"}
