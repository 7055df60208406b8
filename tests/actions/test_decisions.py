"""Decisions as one transaction: first decision wins, later ones conflict, a failure leaves nothing half done."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from copilot.actions import decisions
from copilot.actions.decisions import AlreadyDecided, commit_decision
from copilot.actions.models import validate_payload
from copilot.actions.store import ActionStore
from copilot.audit import AuditLog
from copilot.types import ApprovalRequest

WO = validate_payload("work_order", {"asset": "p-777", "problem": "seal leak", "safety_requirements": ["LOTO"]})


@pytest.fixture
def env(tmp_path):
    store = ActionStore(tmp_path / "c.sqlite3")
    audit = AuditLog(tmp_path / "c.sqlite3")
    store.claim_thread("t1", "olga")
    store.add_approval(ApprovalRequest(id="a1", kind="work_order", thread_id="t1", payload=WO, summary="WO"))
    return store, audit


def _counts(store):
    with sqlite3.connect(store.db_path) as conn:
        return {t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                for t in ("work_orders", "webhook_outbox", "audit_log")}


def test_requested_by_is_the_thread_owner(env):
    store, _ = env
    assert store.get_approval("a1").requested_by == "olga"


def test_approve_commits_decision_record_outbox_and_audit_together(env):
    store, audit = env
    result = commit_decision(store, audit, "a1", "approve", actor="ann", webhook_url="http://127.0.0.1:9/x")
    assert result.approval.status == "approved" and result.approval.decided_by == "ann"
    assert result.record["id"].startswith("WO-") and result.delivery_id
    assert _counts(store) == {"work_orders": 1, "webhook_outbox": 1, "audit_log": 2}
    kinds = [(r["kind"], r["actor"]) for r in audit.records()]
    assert kinds == [("approval_decided", "ann"), ("side_effect", "ann")]
    assert audit.verify().ok


@pytest.mark.parametrize("second", ["approve", "edit", "reject"])
@pytest.mark.parametrize("first", ["approve", "reject"])
def test_every_later_decision_conflicts_and_changes_nothing(env, first, second):
    store, audit = env
    commit_decision(store, audit, "a1", first, actor="ann")
    before = (_counts(store), store.get_approval("a1"))
    with pytest.raises(AlreadyDecided, match="already"):
        commit_decision(store, audit, "a1", second, actor="bob", payload={**WO, "priority": "high"})
    assert (_counts(store), store.get_approval("a1")) == before


def test_a_failure_inside_the_transaction_leaves_nothing(env, monkeypatch):
    store, audit = env

    def boom(point):
        if point == "decision:before_commit":
            raise RuntimeError("injected")

    monkeypatch.setattr(decisions, "fault", boom)
    with pytest.raises(RuntimeError, match="injected"):
        commit_decision(store, audit, "a1", "approve", actor="ann", webhook_url="http://127.0.0.1:9/x")
    assert store.get_approval("a1").status == "pending"
    assert _counts(store) == {"work_orders": 0, "webhook_outbox": 0, "audit_log": 0}
    monkeypatch.undo()
    assert commit_decision(store, audit, "a1", "reject", actor="bob").approval.status == "rejected"


def test_concurrent_decisions_in_threads_have_one_winner(env):
    store, audit = env
    outcomes: list[str] = []

    def decide(kind, who):
        try:
            commit_decision(store, audit, "a1", kind, actor=who)
            outcomes.append(f"won:{kind}")
        except AlreadyDecided:
            outcomes.append("conflict")

    threads = [threading.Thread(target=decide, args=(k, f"u{i}")) for i, k in enumerate(["approve", "reject"] * 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes).count("conflict") == 7
    final = store.get_approval("a1").status
    assert _counts(store)["work_orders"] == (1 if final == "approved" else 0)
    assert audit.verify().ok


def test_unknown_approval(env):
    store, audit = env
    with pytest.raises(KeyError):
        commit_decision(store, audit, "nope", "approve", actor="ann")
