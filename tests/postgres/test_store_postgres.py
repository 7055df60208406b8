"""The stores on a real PostgreSQL: versioned migrations, one audit chain under concurrent writers in
several processes, exactly one decision across processes, outbox, tamper detection, ingest lock."""

from __future__ import annotations

import multiprocessing as mp
import threading
import time

import psycopg
import pytest

from copilot.actions.decisions import AlreadyDecided, commit_decision
from copilot.actions.models import validate_payload
from copilot.actions.outbox import claim_due, finish
from copilot.actions.store import ActionStore
from copilot.audit import AuditLog
from copilot.audit_verify import verify_audit
from copilot.types import ApprovalRequest

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(1800)]

WO = validate_payload("work_order", {"asset": "p-777", "problem": "seal leak", "safety_requirements": ["LOTO"]})


def _count(url: str, table: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _append_many(url: str, key_file: str, n: int, tag: str) -> None:
    log = AuditLog(url, key_file=key_file)
    for i in range(n):
        log.append("test", {"writer": tag, "i": i})


def _decide(url: str, key_file: str, actor: str, start: float, out) -> None:
    store, audit = ActionStore(url), AuditLog(url, key_file=key_file)
    while time.time() < start:
        time.sleep(0.001)
    try:
        res = commit_decision(store, audit, "a1", "approve", actor=actor, webhook_url="http://127.0.0.1:9/hook")
        out.put(("won", res.record["id"]))
    except AlreadyDecided:
        out.put(("lost", actor))


def test_migrations_create_the_schema_once(pg_url, tmp_path):
    from copilot.migrations import current

    assert current(pg_url) is None
    ActionStore(pg_url)
    AuditLog(pg_url, key_file=tmp_path / "secrets.json")
    assert current(pg_url) == "0001"
    with psycopg.connect(pg_url) as conn:
        tables = {r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")}
    assert {"approvals", "work_orders", "decision_records", "reports", "feedback", "threads", "webhook_outbox",
            "webhook_deliveries", "audit_log", "audit_head", "alembic_version"} <= tables


def test_audit_chain_stays_one_chain_with_writers_in_four_processes(pg_url, tmp_path):
    key = str(tmp_path / "secrets.json")
    AuditLog(pg_url, key_file=key)  # creates the key and the schema first
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(pg_url, key, 25, f"p{i}")) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(600)  # generous: spawned interpreters import the package slowly on a loaded machine
        assert p.exitcode == 0
    result = verify_audit(pg_url, tmp_path / "secrets.json")
    assert result.ok, result.problem
    assert result.records == 100
    seqs = [r["seq"] for r in AuditLog(pg_url, key_file=key).records()]
    assert seqs == list(range(1, 101))


def test_exactly_one_decision_across_processes(pg_url, tmp_path):
    key = str(tmp_path / "secrets.json")
    store = ActionStore(pg_url)
    AuditLog(pg_url, key_file=key)
    store.claim_thread("t1", "olga")
    store.add_approval(ApprovalRequest(id="a1", kind="work_order", thread_id="t1", payload=WO, summary="WO"))
    assert store.get_approval("a1").requested_by == "olga"
    ctx = mp.get_context("spawn")
    out = ctx.Queue()
    start = time.time() + 3.0
    procs = [ctx.Process(target=_decide, args=(pg_url, key, f"boss{i}", start, out)) for i in range(4)]
    for p in procs:
        p.start()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join(600)
    assert sorted(r[0] for r in results) == ["lost", "lost", "lost", "won"]
    assert _count(pg_url, "work_orders") == 1
    assert _count(pg_url, "webhook_outbox") == 1
    kinds = [r["kind"] for r in AuditLog(pg_url, key_file=key).records()]
    assert kinds.count("approval_decided") == 1 and kinds.count("side_effect") == 1
    assert verify_audit(pg_url, tmp_path / "secrets.json").ok


def test_outbox_feedback_and_threads_on_postgres(pg_url, tmp_path):
    store, audit = ActionStore(pg_url), AuditLog(pg_url, key_file=tmp_path / "secrets.json")
    assert store.claim_thread("t1", "olga") == "olga"
    assert store.claim_thread("t1", "mallory") == "olga"  # INSERT OR IGNORE -> ON CONFLICT DO NOTHING
    store.add_approval(ApprovalRequest(id="a1", kind="work_order", thread_id="t1", payload=WO, summary="WO"))
    store.add_approval(ApprovalRequest(id="a1", kind="work_order", thread_id="t1", payload=WO, summary="WO"))
    assert [a.id for a in store.list_approvals()] == ["a1"]
    res = commit_decision(store, audit, "a1", "approve", actor="boss", webhook_url="http://127.0.0.1:9/hook")
    assert res.record["id"] == "WO-00001" and res.record["asset"] == "P-777"
    [d] = claim_due(pg_url, audit, lease_s=30)
    assert d.attempt == 1 and d.log_id >= 1
    assert finish(pg_url, audit, d, http_status=200, error=None, max_attempts=3, first_backoff_s=1) == "delivered"
    store.add_feedback("t1", 0, 1, "olga", "50% faster?")  # a '%' must survive the placeholder translation
    [fb] = store.list_feedback("t1")
    assert fb["user"] == "olga" and fb["comment"] == "50% faster?"
    assert verify_audit(pg_url, tmp_path / "secrets.json").ok


def test_tampering_is_found_on_postgres(pg_url, tmp_path):
    audit = AuditLog(pg_url, key_file=tmp_path / "secrets.json")
    for i in range(3):
        audit.append("test", {"i": i})
    assert verify_audit(pg_url, tmp_path / "secrets.json").ok
    with psycopg.connect(pg_url) as conn:
        with pytest.raises(psycopg.errors.RaiseException):
            conn.execute("UPDATE audit_log SET payload='{}' WHERE seq=2")
        conn.rollback()
        conn.execute("ALTER TABLE audit_log DISABLE TRIGGER audit_no_update")
        conn.execute("UPDATE audit_log SET payload='{\"i\": 9}' WHERE seq=2")
        conn.commit()
    bad = verify_audit(pg_url, tmp_path / "secrets.json")
    assert not bad.ok and bad.first_bad == 2


def test_ingest_lock_is_cluster_wide(pg_url):
    from copilot.db import cluster_lock

    held, release, order = threading.Event(), threading.Event(), []

    def holder() -> None:
        with cluster_lock(pg_url, "ingest"):
            held.set()
            release.wait(30)
            order.append("first released")

    t = threading.Thread(target=holder)
    t.start()
    assert held.wait(30)
    with pytest.raises(TimeoutError):
        with cluster_lock(pg_url, "ingest", timeout_s=0.5):
            pass
    threading.Timer(0.5, release.set).start()
    with cluster_lock(pg_url, "ingest", timeout_s=30):
        order.append("second")
    t.join(10)
    assert order == ["first released", "second"]


def test_a_worker_waiting_for_the_schema_lock_does_not_block_the_holders_concurrent_index(pg_url):
    """Two workers starting together hung: one held the schema lock and ran the checkpointer's CREATE INDEX
    CONCURRENTLY, which waits for every statement holding an older snapshot, and the other's blocking
    pg_advisory_lock was such a statement. Waiting by polling holds no snapshot, so the index is built."""
    from copilot.pg import plain_url, schema_lock

    with psycopg.connect(plain_url(pg_url), autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS lock_probe (id int)")
        conn.execute("DROP INDEX IF EXISTS lock_probe_id")
    held, built, waited = threading.Event(), threading.Event(), threading.Event()

    def holder() -> None:
        with schema_lock(pg_url):
            held.set()
            time.sleep(1.0)  # the other worker is waiting for the lock now
            with psycopg.connect(plain_url(pg_url), autocommit=True) as conn:
                conn.execute("SET statement_timeout = '20s'")
                conn.execute("CREATE INDEX CONCURRENTLY lock_probe_id ON lock_probe (id)")
            built.set()

    def waiter() -> None:
        assert held.wait(30)
        with schema_lock(pg_url):
            waited.set()

    threads = [threading.Thread(target=holder), threading.Thread(target=waiter)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert built.is_set() and waited.is_set()
