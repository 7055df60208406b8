"""SQLite store for approvals and the side effects behind them (work orders, decision records, reports).

Every side effect carries the approval id as its idempotency key under a UNIQUE constraint, so a
retried or twice-delivered approval records exactly one work order / decision record / report.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path
from typing import Any

from copilot.db import connect, init_db
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
"""

TABLE_BY_KIND = {"work_order": "work_orders", "decision_record": "decision_records", "report": "reports"}
PREFIX_BY_KIND = {"work_order": "WO", "decision_record": "DR", "report": "RPT"}


class ActionStore:
    """Approvals, work orders, decision records, published reports and feedback in ``settings.db_path``."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = init_db(db_path, _SCHEMA)
        self._lock = threading.RLock()

    def _connect(self) -> sqlite3.Connection:
        return connect(self.db_path)

    # approvals ---------------------------------------------------------
    def add_approval(self, req: ApprovalRequest) -> ApprovalRequest:
        """Insert a pending approval; inserting the same id again is a no-op (graph nodes re-run)."""
        with self._lock, self._connect() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO approvals (id, kind, thread_id, payload, summary, status, created_at) "
                "VALUES (?,?,?,?,?,?,?)",
                (req.id, req.kind, req.thread_id, json.dumps(req.payload), req.summary, req.status, req.created_at),
            )
        return self.get_approval(req.id)

    @staticmethod
    def _approval(row: sqlite3.Row) -> ApprovalRequest:
        data = dict(row)
        data["payload"] = json.loads(data["payload"])
        return ApprovalRequest(**data)

    def get_approval(self, approval_id: str) -> ApprovalRequest:
        with self._connect() as conn:
            row = conn.execute("SELECT * FROM approvals WHERE id = ?", (approval_id,)).fetchone()
        if row is None:
            raise KeyError(f"unknown approval id {approval_id!r}")
        return self._approval(row)

    def list_approvals(self, status: str | None = "pending", thread_id: str | None = None) -> list[ApprovalRequest]:
        sql, args = "SELECT * FROM approvals WHERE 1=1", []
        if status:
            sql += " AND status = ?"
            args.append(status)
        if thread_id:
            sql += " AND thread_id = ?"
            args.append(thread_id)
        with self._connect() as conn:
            rows = conn.execute(sql + " ORDER BY created_at, id", args).fetchall()
        return [self._approval(r) for r in rows]

    def mark_decided(self, approval_id: str, status: str, approver: str, comment: str | None,
                     payload: dict[str, Any]) -> ApprovalRequest:
        """Set the decision once; a pending approval only (the WHERE clause makes it idempotent)."""
        with self._lock, self._connect() as conn:
            conn.execute(
                "UPDATE approvals SET status=?, decided_by=?, decided_at=?, comment=?, payload=? "
                "WHERE id=? AND status='pending'",
                (status, approver, utcnow(), comment, json.dumps(payload), approval_id),
            )
        return self.get_approval(approval_id)

    def delete_thread(self, thread_id: str) -> None:
        """Drop pending approvals of a deleted thread (recorded side effects stay)."""
        with self._lock, self._connect() as conn:
            conn.execute("DELETE FROM approvals WHERE thread_id=? AND status='pending'", (thread_id,))

    # side effects ------------------------------------------------------
    def record(self, kind: str, approval_id: str, thread_id: str, payload: dict[str, Any],
               approved_by: str) -> tuple[dict[str, Any], bool]:
        """Record the side effect of an approval exactly once. Returns (record, created_now)."""
        table = TABLE_BY_KIND[kind]
        with self._lock, self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")  # serialise writers across processes too
            existing = conn.execute(f"SELECT * FROM {table} WHERE approval_id=?", (approval_id,)).fetchone()
            if existing is not None:
                return self._row(existing), False
            count = conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            record_id = f"{PREFIX_BY_KIND[kind]}-{count + 1:05d}"
            try:
                conn.execute(
                    f"INSERT INTO {table} (id, approval_id, thread_id, created_at, approved_by, payload) "
                    "VALUES (?,?,?,?,?,?)",
                    (record_id, approval_id, thread_id, utcnow(), approved_by, json.dumps(payload)),
                )
            except sqlite3.IntegrityError:  # a concurrent writer won the race: return its record
                conn.rollback()
                row = conn.execute(f"SELECT * FROM {table} WHERE approval_id=?", (approval_id,)).fetchone()
                return self._row(row), False
            row = conn.execute(f"SELECT * FROM {table} WHERE id=?", (record_id,)).fetchone()
        return self._row(row), True

    def set_webhook_status(self, wo_id: str, status: str) -> None:
        with self._lock, self._connect() as conn:
            conn.execute("UPDATE work_orders SET webhook_status=? WHERE id=?", (status, wo_id))

    @staticmethod
    def _row(row: sqlite3.Row) -> dict[str, Any]:
        data = dict(row)
        payload = json.loads(data.pop("payload"))
        return {**payload, **data}

    def list_records(self, kind: str) -> list[dict[str, Any]]:
        with self._connect() as conn:
            rows = conn.execute(f"SELECT * FROM {TABLE_BY_KIND[kind]} ORDER BY id").fetchall()
        return [self._row(r) for r in rows]

    def get_record(self, kind: str, record_id: str) -> dict[str, Any]:
        with self._connect() as conn:
            row = conn.execute(f"SELECT * FROM {TABLE_BY_KIND[kind]} WHERE id=?", (record_id,)).fetchone()
        if row is None:
            raise KeyError(f"unknown {kind.replace('_', ' ')} id {record_id!r}")
        return self._row(row)

    # feedback ----------------------------------------------------------
    def add_feedback(self, thread_id: str, message_index: int, score: int, user: str, comment: str | None) -> None:
        with self._lock, self._connect() as conn:
            conn.execute(
                "INSERT INTO feedback (thread_id, message_index, score, user, comment, created_at) VALUES (?,?,?,?,?,?)",
                (thread_id, message_index, score, user, comment, utcnow()),
            )

    def list_feedback(self, thread_id: str | None = None) -> list[dict[str, Any]]:
        sql, args = "SELECT * FROM feedback", []
        if thread_id:
            sql, args = sql + " WHERE thread_id=?", [thread_id]
        with self._connect() as conn:
            return [dict(r) for r in conn.execute(sql + " ORDER BY id", args).fetchall()]
