"""Read-only verification of the audit log: keyed chain, append-only triggers, signed head anchor.

It opens the database read-only and reports; it never creates, repairs or re-keys anything, and a
corrupt or missing database is a finding, not a traceback.
"""

from __future__ import annotations

import hmac
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.audit import GENESIS, KEYED, TRIGGERS, chain_hash, head_mac, keyed_hash
from copilot.db import connect_readonly
from copilot.keys import MissingKeyError, load_key


@dataclass
class VerifyResult:
    ok: bool
    records: int
    first_bad: int | None = None  # seq of the first bad record (or position when a record is missing)
    problem: str = ""
    legacy: int = 0  # records written before the chain was keyed (checked by plain sha256)
    unreadable: bool = False  # the check could not run (no/corrupt database, no key): not a tamper finding


def _fail(rows: int, first_bad: int | None, problem: str, legacy: int = 0) -> VerifyResult:
    return VerifyResult(False, rows, first_bad, problem, legacy)


def _chain_key(key_file: Path) -> bytes | VerifyResult:
    """The audit-chain key, never created here; a missing key is an unreadable result, not an exception."""
    try:
        return load_key(key_file, "audit_chain", create=False)
    except MissingKeyError as exc:
        return VerifyResult(False, 0, None, f"cannot verify without the audit key: {exc}", unreadable=True)


def _check_chain(rows: list[sqlite3.Row], key: bytes) -> VerifyResult | None:
    prev, keyed_seen, legacy = GENESIS, False, 0
    n = len(rows)
    for position, row in enumerate(rows, start=1):
        seq = row["seq"]
        if seq != position:
            what = "missing (deleted)" if seq > position else "out of order"
            return _fail(n, position, f"record {position} is {what}: found seq {seq}")
        if row["prev_hash"] != prev:
            return _fail(n, seq, f"record {seq}: prev_hash does not match record {seq - 1}")
        try:
            payload = json.loads(row["payload"])
        except (json.JSONDecodeError, TypeError):
            return _fail(n, seq, f"record {seq}: payload is not valid JSON")
        body = {"seq": seq, "ts": row["ts"], "kind": row["kind"], "thread_id": row["thread_id"], "payload": payload}
        alg = row["alg"] if "alg" in row.keys() else "sha256"
        if alg == KEYED:
            keyed_seen = True
            expected = keyed_hash(key, prev, {**body, "actor": row["actor"]})
        elif alg == "sha256" and not keyed_seen:
            legacy += 1
            expected = chain_hash(prev, body)
        else:
            return _fail(n, seq, f"record {seq}: unkeyed record after keyed ones (the chain was rewritten)")
        if not hmac.compare_digest(expected, str(row["hash"])):
            return _fail(n, seq, f"record {seq}: content does not match its keyed hash (edited or re-chained)")
        prev = row["hash"]
    return VerifyResult(True, n, legacy=legacy)


def _check_head(head_path: Path, rows: list[sqlite3.Row], key: bytes) -> VerifyResult | None:
    n = len(rows)
    if not head_path.exists():
        return _fail(n, None, f"the head anchor {head_path} is missing (deleted, possibly to hide a truncation)")
    try:
        head = json.loads(head_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return _fail(n, None, f"the head anchor {head_path} is unreadable")
    return _check_head_record(head, str(head_path), rows, key)


def _check_head_record(head: Any, head_path: str, rows: list[Any], key: bytes) -> VerifyResult | None:
    n = len(rows)
    try:
        seq, digest = int(head["seq"]), str(head["hash"])
    except (ValueError, KeyError, TypeError):
        return _fail(n, None, f"the head anchor {head_path} is unreadable")
    mac = head.get("mac")
    legacy_head = mac is None and seq >= 1 and seq <= n and (rows[seq - 1]["alg"] if "alg" in rows[seq - 1].keys() else "sha256") != KEYED
    if not legacy_head and not (isinstance(mac, str) and hmac.compare_digest(mac, head_mac(key, seq, digest))):
        return _fail(n, None, f"the head anchor {head_path} is not signed by the audit key (forged)")
    if seq > n:
        return _fail(n, n + 1, f"records {n + 1}..{seq} are missing (the log was truncated)")
    if seq == 0:
        return None if digest == GENESIS else _fail(n, None, "the head anchor is inconsistent")
    if rows[seq - 1]["hash"] != digest:
        return _fail(n, seq, f"record {seq} does not match the head anchor")
    return None


def _decided_approvals(conn: sqlite3.Connection) -> list[str]:
    """Ids of decided approvals in the same database (each must have its audit record)."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='approvals'").fetchone() is None:
        return []
    return [r[0] for r in conn.execute("SELECT id FROM approvals WHERE status != 'pending' ORDER BY id")]


def _verify_rest(rows: list[Any], triggers: set[str], decided: list[str], key: bytes,
                 head: VerifyResult | None | Any) -> VerifyResult:
    """Chain, triggers, head (a finished check or a callable doing it) and the audited decisions."""
    """Chain, triggers, head (a finished check or a callable doing it) and the audited decisions."""
    chain = _check_chain(rows, key)
    if chain is not None and not chain.ok:
        return chain
    missing = [t for t in TRIGGERS if t not in triggers]
    if missing:
        return _fail(len(rows), None, f"append-only trigger(s) dropped: {', '.join(missing)} (not recreated)",
                     chain.legacy if chain else 0)
    head = head() if callable(head) else head
    if head is not None:
        head.legacy = chain.legacy if chain else 0
        return head
    audited = set()
    for row in rows:
        if row["kind"] == "approval_decided":
            audited.add(json.loads(row["payload"]).get("approval_id"))
    unaudited = [a for a in decided if a not in audited]
    if unaudited:
        return _fail(len(rows), None, f"{len(unaudited)} decided approval(s) have no audit record "
                                      f"(e.g. {unaudited[0]}): records were removed", chain.legacy if chain else 0)
    return chain or VerifyResult(True, len(rows))


def verify_audit_postgres(url: str, key_file: Path) -> VerifyResult:
    """The same checks on PostgreSQL: the chain, the two triggers, the signed ``audit_head`` row."""
    import psycopg

    from copilot.pg import connect, redact

    key = _chain_key(key_file)
    if isinstance(key, VerifyResult):
        return key
    try:
        conn = connect(url)
    except Exception as exc:  # noqa: BLE001 - an unreachable server is a finding, not a traceback
        return VerifyResult(False, 0, None, f"cannot reach {redact(url)}: {exc}", unreadable=True)
    try:
        if conn.execute("SELECT to_regclass('audit_log')").fetchone()[0] is None:
            return _fail(0, None, "the database has no audit_log table")
        triggers = {r[0] for r in conn.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass "
                                               "AND tgenabled != 'D'")}
        rows = conn.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
        head_row = conn.execute("SELECT seq, hash, mac FROM audit_head WHERE id = 1").fetchone()
        decided = [r[0] for r in conn.execute("SELECT id FROM approvals WHERE status != 'pending' ORDER BY id")]
    except psycopg.Error as exc:
        return VerifyResult(False, 0, None, f"the database cannot be read: {exc}", unreadable=True)
    finally:
        conn.close()
    if head_row is None:
        head: Any = None if not rows else _fail(len(rows), None, "the head anchor row (audit_head) is missing")
    else:
        head = _check_head_record(dict(zip(("seq", "hash", "mac"), head_row, strict=True)), "audit_head", rows, key)
    return _verify_rest(rows, triggers, decided, key, head)


def verify_audit(db_path: Path | str, key_file: Path) -> VerifyResult:
    """Verify without writing; every failure (corrupt file, missing key, tampering) is a VerifyResult."""
    from copilot.pg import is_postgres

    if is_postgres(db_path):
        return verify_audit_postgres(str(db_path), key_file)
    db_path = Path(db_path)
    if not db_path.exists():
        return VerifyResult(False, 0, None, f"no audit database at {db_path}", unreadable=True)
    key = _chain_key(key_file)
    if isinstance(key, VerifyResult):
        return key
    try:
        conn = connect_readonly(db_path)
        try:
            triggers = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
            if conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='audit_log'").fetchone() is None:
                return _fail(0, None, "the database has no audit_log table")
            rows = conn.execute("SELECT rowid, * FROM audit_log ORDER BY rowid").fetchall()
            decided = _decided_approvals(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return VerifyResult(False, 0, None, f"the database {db_path} cannot be read ({exc}); it is corrupt or not SQLite",
                            unreadable=True)
    return _verify_rest(rows, triggers, decided, key, lambda: _check_head(Path(f"{db_path}.head"), rows, key))
