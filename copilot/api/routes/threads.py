"""Conversation threads and feedback on answers."""

from __future__ import annotations

from fastapi import APIRouter, Path

from copilot.api.deps import CopilotDep, Operator, Viewer
from copilot.api.errors import APIError, responses
from copilot.api.schemas import Deleted, FeedbackRequest, ThreadHistory

router = APIRouter(prefix="/v1", tags=["threads"])


@router.get("/threads/{thread_id}", response_model=ThreadHistory, summary="Messages of a thread",
            responses=responses(401, 404))
def get_thread(copilot: CopilotDep, _: Viewer, thread_id: str = Path(min_length=1, max_length=200, description="A thread id from /v1/chat.")) -> ThreadHistory:
    try:
        return ThreadHistory(thread_id=thread_id, messages=copilot.history(thread_id))
    except KeyError as exc:
        raise APIError(404, f"no thread with id {thread_id!r}") from exc


@router.delete("/threads/{thread_id}", response_model=Deleted, summary="Delete a thread (operator)",
               responses=responses(401, 403, 404))
def delete_thread(copilot: CopilotDep, _: Operator, thread_id: str = Path(min_length=1, max_length=200, description="A thread id from /v1/chat.")) -> Deleted:
    try:
        copilot.delete_thread(thread_id)
    except KeyError as exc:
        raise APIError(404, f"no thread with id {thread_id!r}") from exc
    return Deleted(deleted=thread_id)


@router.post("/feedback", response_model=dict[str, str], summary="Thumbs up/down on an answer (operator)",
             responses=responses(401, 403, 404, 415, 422))
def feedback(body: FeedbackRequest, copilot: CopilotDep, principal: Operator) -> dict[str, str]:
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
