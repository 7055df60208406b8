"""A minimal Chainlit data layer whose only job is thumbs up/down feedback.

Chainlit shows feedback buttons only when a data layer exists. Conversations themselves live in
the copilot's own checkpointer, so everything else here is a no-op; each rated UI message is mapped
to (copilot thread, message index, user) when it is sent, and the rating goes to
``Copilot.record_feedback`` (thumbs up = 1, thumbs down = -1).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from chainlit.data.base import BaseDataLayer
from chainlit.types import Feedback, PageInfo, PaginatedResponse
from chainlit.user import PersistedUser, User

from copilot.types import utcnow
from copilot.ui import state

log = logging.getLogger(__name__)


class FeedbackDataLayer(BaseDataLayer):
    def __init__(self) -> None:
        self.messages: dict[str, tuple[str, int, str, str]] = {}  # ui message id -> thread, index, user, role

    def remember(self, message_id: str, thread_id: str, index: int, user: str, role: str) -> None:
        self.messages[message_id] = (thread_id, index, user, role)

    async def upsert_feedback(self, feedback: Feedback) -> str:
        target = self.messages.get(feedback.forId)
        if target is None:
            raise ValueError("this message cannot be rated (it is not a copilot answer)")
        thread_id, index, user, role = target
        if role == "viewer":
            raise PermissionError("rating answers needs the operator role")
        score = 1 if feedback.value == 1 else -1
        copilot = state.container().get_copilot()
        await asyncio.to_thread(copilot.record_feedback, thread_id, index, score, user, feedback.comment)
        return feedback.id or f"{thread_id}:{index}"

    async def get_user(self, identifier: str) -> PersistedUser | None:
        return None

    async def create_user(self, user: User) -> PersistedUser | None:
        return PersistedUser(id=user.identifier, identifier=user.identifier, metadata=user.metadata,
                             createdAt=utcnow())

    async def delete_feedback(self, feedback_id: str) -> bool:
        return True

    async def create_element(self, element: Any) -> None:
        return None

    async def get_element(self, thread_id: str, element_id: str) -> Any:
        return None

    async def delete_element(self, element_id: str, thread_id: str | None = None) -> None:
        return None

    async def create_step(self, step_dict: Any) -> None:
        return None

    async def update_step(self, step_dict: Any) -> None:
        return None

    async def delete_step(self, step_id: str) -> None:
        return None

    async def get_thread_author(self, thread_id: str) -> str:
        return ""

    async def delete_thread(self, thread_id: str) -> None:
        return None

    async def list_threads(self, pagination: Any, filters: Any) -> PaginatedResponse:
        return PaginatedResponse(pageInfo=PageInfo(hasNextPage=False, startCursor=None, endCursor=None), data=[])

    async def get_thread(self, thread_id: str) -> Any:
        return None

    async def update_thread(self, thread_id: str, name: str | None = None, user_id: str | None = None,
                            metadata: dict | None = None, tags: list[str] | None = None) -> None:
        return None

    async def build_debug_url(self) -> str:
        return ""

    async def close(self) -> None:
        return None

    async def get_favorite_steps(self, user_id: str) -> list:
        return []
