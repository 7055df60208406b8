"""Conversation history for the chat UI: Chainlit's own SQLAlchemy data layer on a SQLite file.

Chainlit's ``SQLAlchemyDataLayer`` stores users, threads, steps (messages), elements and feedback;
it leaves the schema to the application and was written for PostgreSQL, so this module creates
the tables in SQLite (Chainlit's documented schema, SQLite types) and converts the two things
SQLite lacks: list/dict parameters are stored as JSON text and read back as lists/dicts. Element
contents (the cited passages) go to files under ``<data_dir>/chainlit/elements`` and are served
back inline as ``data:`` URLs, so a resumed thread still opens its sources. Thumbs up/down also
reach ``Copilot.record_feedback`` (the copilot's own feedback store).

The Chainlit thread id *is* the copilot (LangGraph) thread id, so resuming a thread in the sidebar
continues the same conversation.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

from chainlit.data.sql_alchemy import SQLAlchemyDataLayer
from chainlit.data.storage_clients.base import BaseStorageClient
from chainlit.types import Feedback

from copilot.ui import state

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS users ("id" TEXT PRIMARY KEY, "identifier" TEXT NOT NULL UNIQUE,
    "metadata" TEXT NOT NULL, "createdAt" TEXT);
CREATE TABLE IF NOT EXISTS threads ("id" TEXT PRIMARY KEY, "createdAt" TEXT, "name" TEXT, "userId" TEXT,
    "userIdentifier" TEXT, "tags" TEXT, "metadata" TEXT,
    FOREIGN KEY ("userId") REFERENCES users("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS steps ("id" TEXT PRIMARY KEY, "name" TEXT NOT NULL, "type" TEXT NOT NULL,
    "threadId" TEXT NOT NULL, "parentId" TEXT, "streaming" BOOLEAN NOT NULL, "waitForAnswer" BOOLEAN,
    "isError" BOOLEAN, "metadata" TEXT, "tags" TEXT, "input" TEXT, "output" TEXT, "createdAt" TEXT,
    "command" TEXT, "start" TEXT, "end" TEXT, "generation" TEXT, "showInput" TEXT, "language" TEXT,
    "indent" INT, "defaultOpen" BOOLEAN, "autoCollapse" BOOLEAN, "modes" TEXT,
    FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS elements ("id" TEXT PRIMARY KEY, "threadId" TEXT, "type" TEXT, "url" TEXT,
    "chainlitKey" TEXT, "name" TEXT NOT NULL, "display" TEXT, "objectKey" TEXT, "size" TEXT, "page" INT,
    "language" TEXT, "forId" TEXT, "mime" TEXT, "props" TEXT, "autoPlay" BOOLEAN, "playerConfig" TEXT,
    FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS feedbacks ("id" TEXT PRIMARY KEY, "forId" TEXT NOT NULL, "threadId" TEXT,
    "value" INT NOT NULL, "comment" TEXT,
    FOREIGN KEY ("threadId") REFERENCES threads("id") ON DELETE CASCADE);
"""
_JSON_KEYS = {"metadata", "tags", "generation", "props", "modes", "playerConfig", "thread_metadata",
              "thread_tags", "step_metadata", "step_tags", "step_generation"}


class LocalStorage(BaseStorageClient):
    """Element contents as files on this machine, read back as ``data:`` URLs (no object store needed)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)

    def _path(self, object_key: str) -> Path:
        path = (self.root / object_key).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError(f"object key {object_key!r} leaves the storage folder")
        return path

    def _url(self, path: Path, mime: str) -> str:
        return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode()}"

    async def upload_file(self, object_key: str, data: bytes | str, mime: str = "application/octet-stream",
                          overwrite: bool = True, content_disposition: str | None = None) -> dict[str, Any]:
        path = self._path(object_key)
        raw = data.encode("utf-8") if isinstance(data, str) else data
        path.parent.mkdir(parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_bytes, raw)
        path.with_suffix(path.suffix + ".mime").write_text(mime, encoding="utf-8")
        return {"object_key": object_key, "url": self._url(path, mime)}

    async def delete_file(self, object_key: str) -> bool:
        path = self._path(object_key)
        for p in (path, path.with_suffix(path.suffix + ".mime")):
            p.unlink(missing_ok=True)
        return True

    async def get_read_url(self, object_key: str) -> str:
        path = self._path(object_key)
        mime_file = path.with_suffix(path.suffix + ".mime")
        mime = mime_file.read_text(encoding="utf-8") if mime_file.exists() else "text/plain"
        return self._url(path, mime)

    async def close(self) -> None:
        return None


def create_schema(db_path: Path) -> None:
    """Create Chainlit's tables in the SQLite file (idempotent)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(db_path) as conn:
        conn.executescript(SCHEMA)


class CopilotDataLayer(SQLAlchemyDataLayer):
    """Chainlit's SQLAlchemy data layer on SQLite, with feedback forwarded to the copilot."""

    def __init__(self, db_path: Path, files: Path) -> None:
        create_schema(db_path)
        super().__init__(conninfo=f"sqlite+aiosqlite:///{db_path}", storage_provider=LocalStorage(files))
        self.rated: dict[str, tuple[str, int, str, str]] = {}  # ui message id -> thread, index, user, role

    def remember(self, message_id: str, thread_id: str, index: int, user: str, role: str) -> None:
        """Map a UI message to the copilot answer it shows, so a thumbs up/down rates that answer."""
        self.rated[message_id] = (thread_id, index, user, role)

    async def execute_sql(self, query: str, parameters: dict) -> Any:
        params = {k: json.dumps(v) if isinstance(v, list | dict) else v for k, v in parameters.items()}
        return await super().execute_sql(query, params)

    def clean_result(self, obj: Any) -> Any:
        obj = super().clean_result(obj)
        if isinstance(obj, dict):
            for key in _JSON_KEYS & obj.keys():
                if isinstance(obj[key], str) and obj[key][:1] in "[{":
                    try:
                        obj[key] = json.loads(obj[key])
                    except ValueError:
                        pass
        return obj

    async def upsert_feedback(self, feedback: Feedback) -> str:
        target = self.rated.get(feedback.forId)
        if target is not None:
            thread_id, index, user, role = target
            if role == "viewer":
                raise PermissionError("rating answers needs the operator role")
            copilot = state.services().get_copilot()
            await asyncio.to_thread(copilot.record_feedback, thread_id, index, 1 if feedback.value == 1 else -1,
                                    user, feedback.comment)
        return await super().upsert_feedback(feedback)

    async def update_cards(self, approval_id: str, changes: dict[str, Any]) -> int:
        """Store a decision in every saved ``ApprovalCard`` of ``approval_id``, so a reopened thread shows it."""
        rows = await self.execute_sql(
            """SELECT "id", "props" FROM elements WHERE "name" = 'ApprovalCard' AND json_extract("props", '$.id') = :aid""",
            {"aid": approval_id})
        for row in rows if isinstance(rows, list) else []:
            props = {**(row["props"] if isinstance(row["props"], dict) else {}), **changes}
            await self.execute_sql('UPDATE elements SET "props" = :props WHERE "id" = :id',
                                   {"props": props, "id": row["id"]})
        return len(rows) if isinstance(rows, list) else 0

