"""Audit chain: keyed tamper detection, signed head, read-only verify; payload validation."""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3

import pytest

from copilot.actions.models import validate_payload
from copilot.audit import GENESIS, AuditLog, canonical, chain_hash
from copilot.audit_verify import verify_audit

WO = {"asset": "p-101", "priority": "high", "problem": "noisy pump", "steps": ["inspect"], "parts": [],
      "safety_requirements": ["LOTO"], "estimated_duration_h": 2}


def _log(tmp_path, n=4):
    log = AuditLog(tmp_path / "a.sqlite3")
    for i in range(n):
        log.append("turn", {"i": i, "answer": f"text {i}"}, thread_id="t", actor="alice")
    return log


def _raw(log):
    conn = sqlite3.connect(log.db_path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    return conn


def _restore_triggers(conn):
    conn.executescript("""
    CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END;
    CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END;""")


def test_untouched_chain_verifies_and_names_actors(tmp_path):
    log = _log(tmp_path)
    assert log.verify().ok
    assert {r["actor"] for r in log.records()} == {"alice"}
    log.append("thread_deleted", {"thread_id": "t"}, thread_id="t")
    assert log.records()[-1]["actor"] == "system"  # no user and no owner known: still named


def test_key_lives_outside_the_database_with_mode_0600(tmp_path):
    log = _log(tmp_path, 1)
    key_hex = json.loads(log.key_file.read_text())["audit_chain"]
    assert log.key_file.stat().st_mode & 0o777 == 0o600
    assert key_hex.encode() not in log.db_path.read_bytes()


def test_update_and_delete_are_blocked_by_triggers(tmp_path):
    log = _log(tmp_path)
    conn = sqlite3.connect(log.db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit_log SET payload='{}' WHERE seq=2")


def test_edit_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        conn.execute("""UPDATE audit_log SET payload='{"i":1,"answer":"forged"}' WHERE seq=2""")
        _restore_triggers(conn)
    result = log.verify()
    assert not result.ok and result.first_bad == 2 and "edited" in result.problem


def test_delete_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq=3")
        _restore_triggers(conn)
    result = log.verify()
    assert not result.ok and result.first_bad == 3


def test_truncation_of_the_newest_records_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq>=3")
        _restore_triggers(conn)
    result = log.verify()
    assert not result.ok and result.first_bad == 3 and "truncated" in result.problem


def test_truncation_with_the_head_anchor_deleted_is_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq>=3")
        _restore_triggers(conn)
    log.head_path.unlink()
    result = log.verify()
    assert not result.ok and "head anchor" in result.problem and "missing" in result.problem


def test_forged_head_anchor_is_detected(tmp_path):
    log = _log(tmp_path)
    rows = log.records()
    with _raw(log) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq>=3")
        _restore_triggers(conn)
    log.head_path.write_text(json.dumps({"seq": 2, "hash": rows[1]["hash"], "mac": "0" * 64}))
    result = log.verify()
    assert not result.ok and "not signed" in result.problem


@pytest.mark.parametrize("forger", ["sha256", "other_key"])
def test_recomputed_chain_without_the_key_is_detected(tmp_path, forger):
    """An attacker who can write the database but not read the key re-chains every record after an edit."""
    log = _log(tmp_path)
    with _raw(log) as conn:
        rows = conn.execute("SELECT seq, ts, kind, thread_id, payload, actor, alg FROM audit_log ORDER BY seq").fetchall()
        conn.execute("DELETE FROM audit_log")
        prev = GENESIS
        for seq, ts, kind, thread_id, payload, actor, alg in rows:
            data = json.loads(payload)
            if seq == 2:
                data["answer"] = "forged"
            body = {"seq": seq, "ts": ts, "kind": kind, "thread_id": thread_id, "payload": data}
            if forger == "sha256":
                digest, alg = chain_hash(prev, body), "sha256"
            else:
                digest = hmac.new(b"guessed", (prev + canonical({**body, "actor": actor})).encode(),
                                  hashlib.sha256).hexdigest()
            conn.execute("INSERT INTO audit_log (seq, ts, kind, thread_id, payload, prev_hash, hash, actor, alg) "
                         "VALUES (?,?,?,?,?,?,?,?,?)", (seq, ts, kind, thread_id, canonical(data), prev, digest, actor, alg))
            prev = digest
        _restore_triggers(conn)
    result = log.verify()
    assert not result.ok, result


def test_reorder_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        cols = "seq, ts, kind, thread_id, payload, prev_hash, hash, actor, alg"
        rows = conn.execute(f"SELECT {cols} FROM audit_log ORDER BY seq").fetchall()
        conn.execute("DELETE FROM audit_log")
        for seq, r in enumerate([rows[0], rows[2], rows[1], rows[3]], start=1):  # records 2 and 3 swapped
            conn.execute(f"INSERT INTO audit_log ({cols}) VALUES (?,?,?,?,?,?,?,?,?)", (seq, *r[1:]))
        _restore_triggers(conn)
    result = log.verify()
    assert not result.ok and result.first_bad == 2


def test_dropped_triggers_are_reported_and_not_recreated(tmp_path):
    log = _log(tmp_path)
    _raw(log).close()
    result = log.verify()
    assert not result.ok and "trigger" in result.problem
    AuditLog(log.db_path)  # opening the log again (e.g. a server restart) must not hide it either
    assert not log.verify().ok
    with sqlite3.connect(log.db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE type='trigger'").fetchone()[0] == 0


def test_verify_only_reads(tmp_path):
    log = _log(tmp_path)
    before = (log.db_path.read_bytes(), log.head_path.read_bytes(), log.key_file.read_bytes())
    assert verify_audit(log.db_path, log.key_file).ok
    assert before == (log.db_path.read_bytes(), log.head_path.read_bytes(), log.key_file.read_bytes())
    missing = verify_audit(tmp_path / "nope.sqlite3", log.key_file)
    assert missing.unreadable and not (tmp_path / "nope.sqlite3").exists()
    nokey = verify_audit(log.db_path, tmp_path / "elsewhere" / "secrets.json")
    assert nokey.unreadable and "key" in nokey.problem and not (tmp_path / "elsewhere").exists()


def test_corrupt_database_is_a_finding_not_a_traceback(tmp_path):
    log = _log(tmp_path)
    data = bytearray(log.db_path.read_bytes())
    data[0:100] = b"\x00" * 100  # destroy the SQLite header
    log.db_path.write_bytes(bytes(data))
    result = verify_audit(log.db_path, log.key_file)
    assert not result.ok and result.unreadable and "corrupt" in result.problem


def test_legacy_unkeyed_prefix_still_verifies(tmp_path):
    """Records written before the chain was keyed verify as legacy; keyed ones follow them."""
    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.executescript("""CREATE TABLE audit_log (seq INTEGER PRIMARY KEY, ts TEXT NOT NULL, kind TEXT NOT NULL,
            thread_id TEXT, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
            CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END;
            CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'x'); END;""")
        body = {"seq": 1, "ts": "2026-01-01T00:00:00Z", "kind": "turn", "thread_id": None, "payload": {"a": 1}}
        digest = chain_hash(GENESIS, body)
        conn.execute("INSERT INTO audit_log VALUES (1, ?, 'turn', NULL, ?, ?, ?)",
                     (body["ts"], canonical({"a": 1}), GENESIS, digest))
    path.with_name(path.name + ".head").write_text(json.dumps({"seq": 1, "hash": digest}))
    log = AuditLog(path)
    log.append("turn", {"b": 2}, actor="bob")
    result = log.verify()
    assert result.ok and result.legacy == 1, result


@pytest.mark.parametrize("bad,field", [({**WO, "priority": "asap"}, "priority"),
                                       ({**WO, "safety_requirements": []}, "safety_requirements"),
                                       ({**WO, "asset": ""}, "asset")])
def test_invalid_payload_names_the_field(bad, field):
    with pytest.raises(ValueError, match=field):
        validate_payload("work_order", bad)
