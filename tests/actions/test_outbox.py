"""Webhook outbox against a real HTTP receiver: signed, idempotent, retried with backoff, logged, audited."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from copilot.actions import outbox
from copilot.actions.decisions import commit_decision
from copilot.actions.executor import OutboxWorker
from copilot.actions.models import validate_payload
from copilot.actions.store import ActionStore
from copilot.actions.webhook import verify_signature
from copilot.audit import AuditLog
from copilot.types import ApprovalRequest
from tests.actions.receiver import receiver

WO = validate_payload("work_order", {"asset": "p-777", "problem": "seal leak", "safety_requirements": ["LOTO"]})
SECRET = b"s" * 32


def _approve(tmp_path, url):
    store = ActionStore(tmp_path / "c.sqlite3")
    audit = AuditLog(tmp_path / "c.sqlite3")
    store.add_approval(ApprovalRequest(id="a1", kind="work_order", thread_id="t1", payload=WO))
    result = commit_decision(store, audit, "a1", "approve", actor="ann", webhook_url=url)
    return store, audit, result


def _worker(store, audit, **kw):
    return OutboxWorker(store.db_path, audit, SECRET, **{"timeout_s": 3.0, "backoff_s": 0.05, **kw})


def _drain(worker, until, timeout=10.0):
    deadline = time.monotonic() + timeout
    states = []
    while time.monotonic() < deadline:
        states += worker.run_once()
        if until(states):
            return states
        time.sleep(0.02)
    raise AssertionError(f"outbox did not settle: {states}")


def test_delivery_is_signed_and_carries_an_idempotency_key(tmp_path):
    with receiver() as (url, log):
        store, audit, result = _approve(tmp_path, url)
        assert _drain(_worker(store, audit), lambda s: "delivered" in s) == ["delivered"]
    assert len(log) == 1
    h, body = log[0]["headers"], log[0]["body"].encode()
    assert h["idempotency-key"] == result.delivery_id and h["x-copilot-event"] == "work_order.approved"
    assert verify_signature(SECRET, h["x-copilot-timestamp"], body, h["x-copilot-signature"])
    assert not verify_signature(b"x" * 32, h["x-copilot-timestamp"], body, h["x-copilot-signature"])
    assert not verify_signature(SECRET, h["x-copilot-timestamp"], body + b" ", h["x-copilot-signature"])
    assert json.loads(body)["id"] == result.record["id"]
    assert store.get_record("work_order", result.record["id"])["webhook_status"] == "sent"
    assert [r["kind"] for r in audit.records()][-1] == "webhook_delivered"


def test_failures_are_retried_with_backoff_and_the_same_key(tmp_path):
    with receiver(statuses=[500, 503]) as (url, log):
        store, audit, result = _approve(tmp_path, url)
        _drain(_worker(store, audit), lambda s: "delivered" in s)
    assert [e["headers"]["x-copilot-attempt"] for e in log] == ["1", "2", "3"]
    assert {e["headers"]["idempotency-key"] for e in log} == {result.delivery_id}
    assert len({e["body"] for e in log}) == 1, "every retry sends the same bytes"
    info = outbox.deliveries(store.db_path, result.record["id"])
    assert info["status"] == "delivered" and info["attempt_count"] == 3
    assert [(a["outcome"], a["http_status"]) for a in info["attempts"]] == [("failed", 500), ("failed", 503),
                                                                          ("delivered", 200)]
    kinds = [r["kind"] for r in audit.records()]
    assert kinds.count("webhook_failed") == 2 and kinds[-1] == "webhook_delivered" and audit.verify().ok


def test_a_failed_attempt_waits_for_its_backoff(tmp_path):
    with receiver(statuses=[500]) as (url, log):
        store, audit, result = _approve(tmp_path, url)
        worker = _worker(store, audit, backoff_s=30.0)
        assert worker.run_once() == ["pending"]
        assert worker.run_once() == [] and len(log) == 1, "not retried before its backoff"
    info = outbox.deliveries(store.db_path, result.record["id"])
    assert 20 < info["next_attempt_in_s"] <= 30 and info["last_error"] == "HTTP 500"
    assert store.get_record("work_order", result.record["id"])["webhook_status"].startswith("retrying")


def test_gives_up_after_max_attempts_and_keeps_the_order(tmp_path):
    store, audit, result = _approve(tmp_path, "http://127.0.0.1:9/unreachable")
    _drain(_worker(store, audit, max_attempts=2), lambda s: "dead" in s)
    wo = store.get_record("work_order", result.record["id"])
    assert wo["asset"] == "P-777" and wo["webhook_status"].startswith("failed after 2 attempts")
    assert outbox.deliveries(store.db_path, wo["id"])["status"] == "dead"
    assert [r["kind"] for r in audit.records()][-1] == "webhook_gave_up"


def test_an_expired_lease_is_recorded_as_lost_and_redelivered(tmp_path):
    """What a kill -9 mid-delivery leaves behind: an in-flight row whose lease has run out."""
    with receiver() as (url, log):
        store, audit, result = _approve(tmp_path, url)
        claimed = outbox.claim_due(store.db_path, audit, lease_s=0.0)
        assert len(claimed) == 1  # ...and the process dies here
        time.sleep(0.01)
        _drain(_worker(store, audit), lambda s: "delivered" in s)
    info = outbox.deliveries(store.db_path, result.record["id"])
    assert [a["outcome"] for a in info["attempts"]] == ["lost", "delivered"]
    assert "webhook_attempt_lost" in [r["kind"] for r in audit.records()]


def test_a_late_result_from_an_expired_lease_is_ignored(tmp_path):
    store, audit, _ = _approve(tmp_path, "http://127.0.0.1:9/x")
    first = outbox.claim_due(store.db_path, audit, lease_s=0.0)[0]
    time.sleep(0.01)
    second = outbox.claim_due(store.db_path, audit, lease_s=60.0)[0]
    assert outbox.finish(store.db_path, audit, first, http_status=200, error=None, max_attempts=5,
                         first_backoff_s=1) == "in_flight"
    assert outbox.finish(store.db_path, audit, second, http_status=200, error=None, max_attempts=5,
                         first_backoff_s=1) == "delivered"


@pytest.mark.parametrize("attempt,expected", [(1, 2.0), (2, 4.0), (5, 32.0), (30, 3600.0)])
def test_backoff_doubles_and_is_capped(attempt, expected):
    assert outbox.backoff_s(attempt, 2.0) == expected


def test_no_webhook_configured_means_no_outbox_entry(tmp_path):
    store, _, result = _approve(tmp_path, None)
    assert result.delivery_id is None
    with sqlite3.connect(store.db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM webhook_outbox").fetchone()[0] == 0
