"""SQLite store for approvals and the side effects behind them (work orders, decision records, reports).

Every side effect carries the approval id as its idempotency key under a UNIQUE constraint, and a
decision is written by :mod:`copilot.actions.decisions` in one transaction with its side effect,
its outbox entry and its audit records: the first decision wins across processes.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from copilot.actions.outbox import OUTBOX_SCHEMA
from copilot.db import add_columns, connect, init_db, transaction
from copilot.types import ApprovalRequest, utcnow

_SCHEMA = """
CREATE TABLE IF NOT EXISTS approvals (
    id TEXT PRIMARY KEY, kind TEXT NOT NULL, thread_id TEXT NOT NULL, payload TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'pending', created_at TEXT NOT NULL,
    decided_by TEXT, decided_at TEXT, comment TEXT
);
CREATE TABLE IF NOT EXISTS work_orders (
    id TEXT PRIMARY KEY, approval_id TEXT NOT NULL UNIQUE, thread_id TEXT, created_at TEXT NOT NULL,
    approved_by TEXT, payload TEXT NOT NULL, webhook_status TEXT
);
CREATE TABLE IF NOT EXISTS decision_records (
    id TEXT PRIMARY KEY, approval_id TEXT NOT NULL UNIQUE, thread_id TEXT, created_at TEXT NOT NULL,
    approved_by TEXT, payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS reports (
    id TEXT PRIMARY KEY, approval_id TEXT NOT NULL UNIQUE, thread_id TEXT, created_at TEXT NOT NULL,
    approved_by TEXT, payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id TEXT NOT NULL, message_index INTEGER NOT NULL,
    score INTEGER NOT NULL, user TEXT NOT NULL, comment TEXT, created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS threads (
    id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at TEXT NOT NULL
);
""" + OUTBOX_SCHEMA

class PendingApprovalsError(RuntimeError):
    """A thread with a pending approval cannot be deleted."""


TABLE_BY_KIND = {"work_order": "work_orders", "decision_record": "decision_records", "report": "reports"}
PREFIX_BY_KIND = {"work_order": "WO", "decision_record": "DR", "report": "RPT"}


class ActionStore:
    """Approvals, work orders, decision records, published reports, thread owners and feedback."""

    def __init__(self, db_path: Path | str) -> None:
        """``db_path``: the SQLite file, or a ``postgresql://`` URL (schema from copilot/migrations)."""
        self.db_path = init_db(db_path, _SCHEMA)
        add_columns(self.db_path, "approvals", {"requested_by": "TEXT", "notified": "INTEGER NOT NULL DEFAULT 0"})

    def _connect(self) -> sqlite3.Connection:
        return connect(self.db_path)

    def _read(self, sql: str, args: tuple | list = ()) -> list[sqlite3.Row]:
        conn = self._connect()
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    # threads -----------------------------------------------------------
    def claim_thread(self, thread_id: str, user: str) -> str:
        """Make ``user`` the owner of a new thread; return the owner (an existing one is kept)."""
        with transaction(self.db_path) as conn:
            conn.execute("INSERT OR IGNORE INTO threads (id, owner, created_at) VALUES (?,?,?)",
                         (thread_id, user, utcnow()))
            return conn.execute("SELECT owner FROM threads WHERE id=?", (thread_id,)).fetchone()[0]

    def thread_owner(self, thread_id: str) -> str | None:
        rows = self._read("SELECT owner FROM threads WHERE id=?", (thread_id,))
        return rows[0][0] if rows else None

    # approvals ---------------------------------------------------------
    def add_approval(self, req: ApprovalRequest) -> ApprovalRequest:
        """Insert a pending approval; inserting the same id again is a no-op (graph nodes re-run)."""
        with transaction(self.db_path) as conn:
            owner = conn.execute("SELECT owner FROM threads WHERE id=?", (req.thread_id,)).fetchone()
            conn.execute(
                "INSERT OR IGNORE INTO approvals (id, kind, thread_id, payload, summary, status, created_at, requested_by) "
                "VALUES (?,?,?,?,?,?,?,?)",
                (req.id, req.kind, req.thread_id, json.dumps(req.payload), req.summary, req.status, req.created_at,
                 owner[0] if owner else None),
            )
        return self.get_approval(req.id)

    @staticmethod
    def approval_from_row(row: sqlite3.Row) -> ApprovalRequest:
        data = dict(row)
        data["payload"] = json.loads(data["payload"])
        data.pop("notified", None)
        fields = ApprovalRequest.model_fields
        return ApprovalRequest(**{k: v for k, v in data.items() if k in fields})

    def get_approval(self, approval_id: str) -> ApprovalRequest:
        rows = self._read("SELECT * FROM approvals WHERE id = ?", (approval_id,))
        if not rows:
            raise KeyError(f"unknown approval id {approval_id!r}")
        return self.approval_from_row(rows[0])

    def list_approvals(self, status: str | None = "pending", thread_id: str | None = None,
                       requested_by: str | None = None) -> list[ApprovalRequest]:
        sql, args = "SELECT * FROM approvals WHERE 1=1", []
        for column, value in (("status", status), ("thread_id", thread_id), ("requested_by", requested_by)):
            if value:
                sql += f" AND {column} = ?"
                args.append(value)
        return [self.approval_from_row(r) for r in self._read(sql + " ORDER BY created_at, id", args)]

    def unnotified_decisions(self) -> list[ApprovalRequest]:
        """Decided approvals whose thread has not yet been told the outcome (crash recovery)."""
        return [self.approval_from_row(r) for r in
                self._read("SELECT * FROM approvals WHERE status != 'pending' AND notified = 0 ORDER BY decided_at")]

    def mark_notified(self, approval_id: str) -> None:
        """The approval's thread has been told the outcome."""
        with transaction(self.db_path) as conn:
            conn.execute("UPDATE approvals SET notified=1 WHERE id=? AND status != 'pending'", (approval_id,))

    def delete_thread(self, thread_id: str) -> None:
        """Forget a thread's owner (decided approvals and their records stay)."""
        with transaction(self.db_path) as conn:
            pending = conn.execute("SELECT COUNT(*) FROM approvals WHERE thread_id=? AND status='pending'",
                                   (thread_id,)).fetchone()[0]
            if pending:
                raise PendingApprovalsError(f"thread {thread_id!r} has {pending} pending approval(s); decide them first")
            conn.execute("DELETE FROM threads WHERE id=?", (thread_id,))

    # side effects ------------------------------------------------------
    @staticmethod
    def insert_record(conn: sqlite3.Connection, kind: str, approval_id: str, thread_id: str,
                      payload: dict[str, Any], approved_by: str) -> dict[str, Any]:
        """Insert the side effect inside the caller's transaction (UNIQUE on approval_id)."""
        table = TABLE_BY_KIND[kind]
        count = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        record_id = f"{PREFIX_BY_KIND[kind]}-{count + 1:05d}"
        while conn.execute(f"SELECT 1 FROM {table} WHERE id=?", (record_id,)).fetchone():
            count += 1
            record_id = f"{PREFIX_BY_KIND[kind]}-{count + 1:05d}"
        conn.execute(f"INSERT INTO {table} (id, approval_id, thread_id, created_at, approved_by, payload) "
                     "VALUES (?,?,?,?,?,?)", (record_id, approval_id, thread_id, utcnow(), approved_by, json.dumps(payload)))
        row = conn.execute(f"SELECT * FROM {table} WHERE id=?", (record_id,)).fetchone()
        return ActionStore.record_from_row(row)

    @staticmethod
    def record_from_row(row: sqlite3.Row) -> dict[str, Any]:
        data = dict(row)
        payload = json.loads(data.pop("payload"))
        return {**payload, **data}

    def record_for_approval(self, kind: str, approval_id: str) -> dict[str, Any] | None:
        rows = self._read(f"SELECT * FROM {TABLE_BY_KIND[kind]} WHERE approval_id=?", (approval_id,))
        return self.record_from_row(rows[0]) if rows else None

    def list_records(self, kind: str) -> list[dict[str, Any]]:
        return [self.record_from_row(r) for r in self._read(f"SELECT * FROM {TABLE_BY_KIND[kind]} ORDER BY id")]

    def get_record(self, kind: str, record_id: str) -> dict[str, Any]:
        rows = self._read(f"SELECT * FROM {TABLE_BY_KIND[kind]} WHERE id=?", (record_id,))
        if not rows:
            raise KeyError(f"unknown {kind.replace('_', ' ')} id {record_id!r}")
        return self.record_from_row(rows[0])

    # feedback ----------------------------------------------------------
    def add_feedback(self, thread_id: str, message_index: int, score: int, user: str, comment: str | None) -> None:
        with transaction(self.db_path) as conn:
            conn.execute(
                "INSERT INTO feedback (thread_id, message_index, score, \"user\", comment, created_at) VALUES (?,?,?,?,?,?)",
                (thread_id, message_index, score, user, comment, utcnow()),
            )

    def list_feedback(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM feedback", []
        if thread_id:
            sql, args = sql + " WHERE thread_id=?", [thread_id]
        return [dict(r) for r in self._read(sql + " ORDER BY id", args)]
