"""Audit chain tamper detection, idempotent side effects, payload validation, webhook failure."""

from __future__ import annotations

import sqlite3

import pytest

from copilot.actions.executor import execute_action
from copilot.actions.models import validate_payload
from copilot.actions.store import ActionStore
from copilot.audit import AuditLog

WO = {"asset": "p-101", "priority": "high", "problem": "noisy pump", "steps": ["inspect"], "parts": [],
      "safety_requirements": ["LOTO"], "estimated_duration_h": 2}


def _log(tmp_path, n=4):
    log = AuditLog(tmp_path / "a.sqlite3")
    for i in range(n):
        log.append("turn", {"i": i, "answer": f"text {i}"}, thread_id="t")
    return log


def _raw(log):
    conn = sqlite3.connect(log.db_path)
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("DROP TRIGGER audit_no_delete")
    return conn


def test_untouched_chain_verifies(tmp_path):
    assert _log(tmp_path).verify().ok


def test_update_and_delete_are_blocked_by_triggers(tmp_path):
    log = _log(tmp_path)
    conn = sqlite3.connect(log.db_path)
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        conn.execute("UPDATE audit_log SET payload='{}' WHERE seq=2")


def test_edit_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        conn.execute("""UPDATE audit_log SET payload='{"i":1,"answer":"forged"}' WHERE seq=2""")
    result = log.verify()
    assert not result.ok and result.first_bad == 2 and "edited" in result.problem


def test_delete_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq=3")
    result = log.verify()
    assert not result.ok and result.first_bad == 3


def test_truncation_of_the_newest_records_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq>=3")
    result = log.verify()
    assert not result.ok and result.first_bad == 3 and "truncated" in result.problem


def test_reorder_detected(tmp_path):
    log = _log(tmp_path)
    with _raw(log) as conn:
        rows = conn.execute("SELECT seq, ts, kind, thread_id, payload, prev_hash, hash FROM audit_log ORDER BY seq").fetchall()
        conn.execute("DELETE FROM audit_log")
        for seq, r in enumerate([rows[0], rows[2], rows[1], rows[3]], start=1):  # records 2 and 3 swapped
            conn.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?)", (seq, *r[1:]))
    result = log.verify()
    assert not result.ok and result.first_bad == 2


def test_side_effect_exactly_once(tmp_path):
    store = ActionStore(tmp_path / "c.sqlite3")
    payload = validate_payload("work_order", WO)
    first, created = execute_action(store, "work_order", "appr-1", "t", payload, "alice")
    second, created2 = execute_action(store, "work_order", "appr-1", "t", payload, "alice")
    assert created and not created2 and first["id"] == second["id"]
    assert len(store.list_records("work_order")) == 1
    with sqlite3.connect(store.db_path) as conn, pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO work_orders (id, approval_id, created_at, payload) VALUES ('X','appr-1','now','{}')")


def test_webhook_failure_keeps_the_order(tmp_path):
    store = ActionStore(tmp_path / "c.sqlite3")
    record, created = execute_action(store, "work_order", "appr-2", "t", validate_payload("work_order", WO), "bob",
                                     webhook_url="http://127.0.0.1:9/unreachable")
    assert created and record["webhook_status"].startswith("failed")
    assert store.get_record("work_order", record["id"])["asset"] == "P-101"


@pytest.mark.parametrize("bad,field", [({**WO, "priority": "asap"}, "priority"),
                                       ({**WO, "safety_requirements": []}, "safety_requirements"),
                                       ({**WO, "asset": ""}, "asset")])
def test_invalid_payload_names_the_field(bad, field):
    with pytest.raises(ValueError, match=field):
        validate_payload("work_order", bad)
