"""Append-only, keyed hash-chained audit log in SQLite (or PostgreSQL, see ``storage.url``).

Each record stores ``hash = HMAC-SHA256(key, prev_hash + canonical_json(record))`` where the record
holds the sequence number, time, kind, actor, thread id and payload. The key lives outside the
database (:mod:`copilot.keys`), so whoever can rewrite the database but not read the key cannot
recompute a valid chain. A signed head anchor beside the database names the newest (seq, hash):
truncating the newest records, or deleting the anchor, is detected too. On PostgreSQL the anchor is
the single row of ``audit_head``, moved in the append's own transaction, and appends from every
worker are serialised by the write lock of :func:`copilot.db.transaction` (plus UNIQUE ``seq`` and
``prev_hash``: a fork of the chain cannot be stored).
:meth:`AuditLog.verify` only reads; it reports and never repairs (see :mod:`copilot.audit_verify`).
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from copilot.db import FILE_MODE, add_columns, connect, init_db, transaction
from copilot.keys import load_key, secrets_path, settings_secrets_path
from copilot.pg import is_postgres
from copilot.types import utcnow

if TYPE_CHECKING:
    from copilot.config import Settings

GENESIS = "0" * 64
KEYED = "hmac-sha256"
TRIGGERS = ("audit_no_update", "audit_no_delete")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY,
    ts TEXT NOT NULL,
    kind TEXT NOT NULL,
    thread_id TEXT,
    payload TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL UNIQUE,
    actor TEXT,
    alg TEXT NOT NULL DEFAULT 'sha256'
);
"""
_TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
"""

_actor: contextvars.ContextVar[str | None] = contextvars.ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(user: str | None) -> Iterator[None]:
    """Records appended inside this block without an explicit actor name ``user``."""
    token = _actor.set(user)
    try:
        yield
    finally:
        _actor.reset(token)


def canonical(data: Any) -> str:
    """Canonical JSON: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_hash(prev_hash: str, body: dict[str, Any]) -> str:
    """The unkeyed digest of records written before the chain was keyed (verified as legacy)."""
    return hashlib.sha256((prev_hash + canonical(body)).encode("utf-8")).hexdigest()


def keyed_hash(key: bytes, prev_hash: str, body: dict[str, Any]) -> str:
    return hmac.new(key, (prev_hash + canonical(body)).encode("utf-8"), hashlib.sha256).hexdigest()


def head_mac(key: bytes, seq: int, digest: str) -> str:
    return hmac.new(key, f"head:{seq}:{digest}".encode(), hashlib.sha256).hexdigest()


def default_key_file(db_path: Path) -> Path:
    return secrets_path(Path(db_path).parent)


class AuditLog:
    """The audit trail of questions, routes, answers, approvals, side effects, deliveries and logins."""

    def __init__(self, db_path: Path | str, key_file: Path | None = None) -> None:
        self.postgres = is_postgres(db_path)
        if self.postgres and key_file is None:
            raise ValueError("an audit log on PostgreSQL needs key_file (the key never goes into the database)")
        self.key_file = Path(key_file) if key_file else default_key_file(Path(db_path))
        self.key = load_key(self.key_file, "audit_chain")
        self._lock = threading.Lock()
        if self.postgres:  # schema, triggers and the head row come from copilot/migrations
            self.db_path = init_db(db_path, "")
            return
        fresh = not Path(db_path).exists() or not self._has_table(Path(db_path))
        self.db_path = init_db(db_path, _SCHEMA)
        add_columns(self.db_path, "audit_log", {"actor": "TEXT", "alg": "TEXT NOT NULL DEFAULT 'sha256'"})
        if fresh:  # triggers are created with the table; a later missing trigger is for verify to report
            conn = connect(self.db_path)
            try:
                with conn:
                    conn.executescript(_TRIGGERS)
            finally:
                conn.close()
        if not self.head_path.exists() and fresh:
            self._write_head(0, GENESIS)

    @classmethod
    def for_settings(cls, settings: Settings) -> AuditLog:
        """The audit log of ``settings``: its database, keyed by its secrets file (``auth.secrets_file``)."""
        return cls(settings.db_path, key_file=settings_secrets_path(settings))

    @staticmethod
    def _has_table(path: Path) -> bool:
        try:
            conn = sqlite3.connect(path)
            try:
                return conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='audit_log'").fetchone() is not None
            finally:
                conn.close()
        except sqlite3.DatabaseError:
            return False

    @property
    def head_path(self) -> Path:
        """The signed anchor beside the database holding the newest (seq, hash)."""
        return self.db_path.with_name(self.db_path.name + ".head")

    # writing ----------------------------------------------------------------------------------
    def append_in(self, conn: sqlite3.Connection, kind: str, payload: dict[str, Any], *,
                  thread_id: str | None = None, actor: str | None = None) -> dict[str, Any]:
        """Append inside the caller's open write transaction (commits with the caller's other writes).
        Call :meth:`anchor` with the returned record after the commit."""
        actor = actor or _actor.get() or payload.get("user") or payload.get("approver") or self._owner(conn, thread_id)
        last = conn.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        seq = (last[0] + 1) if last else 1
        prev = last[1] if last else GENESIS
        body = {"seq": seq, "ts": utcnow(), "kind": kind, "actor": actor, "thread_id": thread_id, "payload": payload}
        digest = keyed_hash(self.key, prev, body)
        conn.execute(
            "INSERT INTO audit_log (seq, ts, kind, thread_id, payload, prev_hash, hash, actor, alg) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (seq, body["ts"], kind, thread_id, canonical(payload), prev, digest, actor, KEYED),
        )
        if self.postgres:  # the head anchor moves in the same transaction
            conn.execute("INSERT INTO audit_head (id, seq, hash, mac) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE "
                         "SET seq=excluded.seq, hash=excluded.hash, mac=excluded.mac",
                         (seq, digest, head_mac(self.key, seq, digest)))
        return {**body, "prev_hash": prev, "hash": digest}

    @staticmethod
    def _owner(conn: sqlite3.Connection, thread_id: str | None) -> str:
        """The owner of the record's thread (the user who asked), else ``system``."""
        if thread_id:
            try:
                row = conn.execute("SELECT owner FROM threads WHERE id=?", (thread_id,)).fetchone()
            except sqlite3.OperationalError:  # no threads table in this database
                row = None
            if row:
                return str(row[0])
        return "system"

    def append(self, kind: str, payload: dict[str, Any], *, thread_id: str | None = None,
               actor: str | None = None) -> dict[str, Any]:
        """Append one record in its own transaction and return it (with its hash)."""
        with self._lock, transaction(self.db_path) as conn:
            record = self.append_in(conn, kind, payload, thread_id=thread_id, actor=actor)
        self.anchor(record)
        return record

    def anchor(self, record: dict[str, Any]) -> None:
        """Move the signed head anchor forward to ``record`` (never backward)."""
        if self.postgres:  # already moved inside the append's transaction
            return
        try:
            current = json.loads(self.head_path.read_text(encoding="utf-8"))
            if int(current.get("seq", 0)) >= record["seq"]:
                return
        except (OSError, ValueError, TypeError, AttributeError):
            pass
        self._write_head(record["seq"], record["hash"])

    def _write_head(self, seq: int, digest: str) -> None:
        tmp = self.head_path.with_name(f"{self.head_path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"seq": seq, "hash": digest, "mac": head_mac(self.key, seq, digest)}, fh)
        os.replace(tmp, self.head_path)

    # reading ----------------------------------------------------------------------------------
    def records(self, limit: int | None = None, thread_id: str | None = None) -> list[dict[str, Any]]:
        """Records in chain order (the last ``limit`` when given)."""
        sql = "SELECT * FROM audit_log"
        args: list[Any] = []
        if thread_id:
            sql += " WHERE thread_id = ?"
            args.append(thread_id)
        sql += " ORDER BY seq"
        conn = connect(self.db_path)
        try:
            rows = conn.execute(sql, args).fetchall()
        finally:
            conn.close()
        out = [{**dict(r), "payload": json.loads(r["payload"])} for r in rows]
        return out[-limit:] if limit else out

    def verify(self) -> Any:
        """Check the chain, the triggers and the head anchor; read-only (see :func:`verify_audit`)."""
        from copilot.audit_verify import verify_audit

        return verify_audit(self.db_path, self.key_file)
