"""Append-only, hash-chained audit log in SQLite.

Each record stores ``hash = sha256(prev_hash + canonical_json(record))`` where the canonical JSON
holds the sequence number, time, kind, thread id and payload. :func:`AuditLog.verify` recomputes
the chain and names the first record that was edited, deleted or reordered.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.db import connect, init_db
from copilot.types import utcnow

GENESIS = "0" * 64

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    kind TEXT NOT NULL,
    thread_id TEXT,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""


def canonical(data: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


@dataclass
class VerifyResult:
    ok: bool
    records: int
    first_bad: int | None = None  # seq of the first bad record (or position when a record is missing)
    problem: str = ""


class AuditLog:
    """The audit trail of questions, routes, retrieved chunks, answers, approvals and side effects."""

    def __init__(self, db_path: Path) -> None:
        self.db_path = init_db(db_path, _SCHEMA)
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        return connect(self.db_path)

    def append(self, kind: str, payload: dict[str, Any], *, thread_id: str | None = None) -> dict[str, Any]:
        """Append one record and return it (with its hash)."""
        with self._lock, self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
            seq = (last["seq"] + 1) if last else 1
            prev = last["hash"] if last else GENESIS
            body = {"seq": seq, "ts": utcnow(), "kind": kind, "thread_id": thread_id, "payload": payload}
            digest = chain_hash(prev, body)
            conn.execute(
                "INSERT INTO audit_log (seq, ts, kind, thread_id, payload, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                (seq, body["ts"], kind, thread_id, canonical(payload), prev, digest),
            )
        self._write_head(seq, digest)
        return {**body, "prev_hash": prev, "hash": digest}

    @property
    def head_path(self) -> Path:
        """A small anchor file beside the database holding the newest (seq, hash): deleting the last
        records cannot be seen from the chain alone, but it no longer matches the anchor."""
        return self.db_path.with_name(self.db_path.name + ".head")

    def _write_head(self, seq: int, digest: str) -> None:
        tmp = self.head_path.with_name(f"{self.head_path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"seq": seq, "hash": digest}), encoding="utf-8")
        os.replace(tmp, self.head_path)

    def _check_head(self, rows: list[sqlite3.Row]) -> VerifyResult | None:
        if not self.head_path.exists():
            return None
        try:
            head = json.loads(self.head_path.read_text(encoding="utf-8"))
            seq, digest = int(head["seq"]), str(head["hash"])
        except (OSError, ValueError, KeyError, TypeError):
            return VerifyResult(False, len(rows), None, f"head anchor {self.head_path} is unreadable")
        if seq > len(rows):
            return VerifyResult(False, len(rows), len(rows) + 1,
                                f"records {len(rows) + 1}..{seq} are missing (the log was truncated)")
        if rows[seq - 1]["hash"] != digest:
            return VerifyResult(False, len(rows), seq, f"record {seq} does not match the head anchor")
        return None

    def records(self, limit: int | None = None, thread_id: str | None = None) -> list[dict[str, Any]]:
        """Records in chain order (the last ``limit`` when given)."""
        sql = "SELECT * FROM audit_log"
        args: list[Any] = []
        if thread_id:
            sql += " WHERE thread_id = ?"
            args.append(thread_id)
        sql += " ORDER BY seq"
        with self._connect() as conn:
            rows = conn.execute(sql, args).fetchall()
        out = [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]
        return out[-limit:] if limit else out

    def verify(self) -> VerifyResult:
        """Recompute the chain in physical (rowid) order; report the first edited, deleted or moved record."""
        with self._connect() as conn:
            rows = conn.execute("SELECT rowid, * FROM audit_log ORDER BY rowid").fetchall()
        prev = GENESIS
        for position, row in enumerate(rows, start=1):
            seq = row["seq"]
            if seq != position:
                what = "missing (deleted)" if seq > position else "out of order"
                return VerifyResult(False, len(rows), position, f"record {position} is {what}: found seq {seq}")
            if row["prev_hash"] != prev:
                return VerifyResult(False, len(rows), seq, f"record {seq}: prev_hash does not match record {seq - 1}")
            try:
                payload = json.loads(row["payload"])
            except json.JSONDecodeError:
                return VerifyResult(False, len(rows), seq, f"record {seq}: payload is not valid JSON")
            body = {"seq": seq, "ts": row["ts"], "kind": row["kind"], "thread_id": row["thread_id"], "payload": payload}
            if chain_hash(prev, body) != row["hash"]:
                return VerifyResult(False, len(rows), seq, f"record {seq}: content does not match its hash (edited)")
            prev = row["hash"]
        return self._check_head(rows) or VerifyResult(True, len(rows))
