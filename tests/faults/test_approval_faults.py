"""Fault injection on approvals with real processes: a `copilot serve` subprocess and CLI runs racing
on one data dir, and kill -9 at every step of a decision and its webhook delivery.

Invariants after every scenario: one decision per request (the loser gets 409 / exit 3), a work
order exists iff the request was approved, the webhook was delivered (same Idempotency-Key on every
attempt), the thread shows the outcome, and `copilot audit verify` passes.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import httpx
import pytest

from copilot.audit_verify import verify_audit
from tests.actions.receiver import receiver
from tests.faults.harness import Plant, make_plant

pytestmark = pytest.mark.faults


@pytest.fixture
def plant(tmp_path, request):
    slow = request.node.get_closest_marker("slow_webhook") is not None  # the first delivery hangs 4 s
    with receiver(sleep_s=4.0 if slow else 0.0) as (url, log):
        p = make_plant(tmp_path, url)
        p.received = log  # type: ignore[attr-defined]
        try:
            yield p
        finally:
            p.stop()


def _status(plant: Plant, aid: str) -> str:
    return plant.api("GET", f"/v1/approvals/{aid}").json()["status"]


def _orders(plant: Plant, aid: str) -> list[dict]:
    return [w for w in plant.api("GET", "/v1/work-orders").json() if w["approval_id"] == aid]


def _delivered(plant: Plant, aid: str) -> dict | None:
    orders = _orders(plant, aid)
    if not orders:
        return None
    info = plant.api("GET", f"/v1/work-orders/{orders[0]['id']}/deliveries").json()
    return info if info["status"] == "delivered" else None


def _outcome_shown(plant: Plant, thread_id: str) -> bool:
    messages = plant.api("GET", f"/v1/threads/{thread_id}").json()["messages"]
    return any(m.get("event") == "approval_outcome" for m in messages)


def _assert_final(plant: Plant, approval: dict, expect: str) -> None:
    aid = approval["id"]
    assert _status(plant, aid) == expect
    assert len(_orders(plant, aid)) == (1 if expect == "approved" else 0)
    for action in ("approve", "reject"):
        assert plant.api("POST", f"/v1/approvals/{aid}/{action}", role="approver", json={}).status_code == 409
    if expect == "approved":
        info = plant.wait_for(lambda: _delivered(plant, aid), what="webhook delivered")
        keys = {e["headers"]["idempotency-key"] for e in plant.received}
        assert keys == {info["delivery_id"]}, "every attempt carries the same idempotency key"
    else:
        assert plant.received == [], "a rejected work order is never sent"
    plant.wait_for(lambda: _outcome_shown(plant, approval["thread_id"]), what="outcome in the thread")
    result = verify_audit(plant.data / "copilot.sqlite3", plant.data / "secrets.json")
    assert result.ok, result


def _audit_kinds(plant: Plant) -> list[str]:
    with sqlite3.connect(plant.data / "copilot.sqlite3") as conn:
        return [r[0] for r in conn.execute("SELECT kind FROM audit_log ORDER BY seq")]


@pytest.mark.slow_webhook
def test_issue_repro_server_approve_then_cli_reject(plant: Plant) -> None:
    """Webhook that sleeps; approve over HTTP; 0.5 s later `copilot approvals reject` on the same data dir."""
    approval = plant.propose()
    plant.start()
    result: dict = {}
    t = threading.Thread(target=lambda: result.update(r=plant.api("POST", f"/v1/approvals/{approval['id']}/approve",
                                                                    role="approver", json={"comment": "go"})))
    t.start()
    time.sleep(0.5)
    cli = plant.cli("approvals", "reject", approval["id"], "--as", "night-shift")
    t.join(900)  # an upper bound: the request has its own 300 s timeout
    assert result["r"].status_code == 200 and result["r"].json()["status"] == "approved"
    assert cli.returncode == 3 and "already approved" in cli.stderr, cli.stderr
    _assert_final(plant, approval, "approved")
    verify = plant.cli("audit", "verify")  # the real command, on the data dir the server is using
    assert verify.returncode == 0 and "OK" in verify.stdout, verify.stdout + verify.stderr


def test_cli_reject_first_then_server_approve_conflicts(plant: Plant) -> None:
    approval = plant.propose()
    plant.start()
    cli = plant.cli("approvals", "reject", approval["id"], "--as", "night-shift")
    assert cli.returncode == 0, cli.stderr
    r = plant.api("POST", f"/v1/approvals/{approval['id']}/approve", role="approver", json={})
    assert r.status_code == 409
    _assert_final(plant, approval, "rejected")


def test_simultaneous_server_and_cli_decisions_have_one_winner(plant: Plant) -> None:
    approvals = [plant.propose() for _ in range(2)]
    plant.start()
    for approval in approvals:
        aid, results = approval["id"], {}
        threads = [
            threading.Thread(target=lambda a=aid, res=results: res.update(api=plant.api(
                "POST", f"/v1/approvals/{a}/approve", role="approver", json={}).status_code)),
            threading.Thread(target=lambda a=aid, res=results: res.update(cli=plant.cli(
                "approvals", "reject", a, "--as", "cli").returncode)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(900)  # upper bound: the CLI has its own 600 s timeout (minutes to import when starved)
        winner = _status(plant, aid)
        assert (results["api"], results["cli"]) == ((200, 3) if winner == "approved" else (409, 0)), results
        assert len(_orders(plant, aid)) == (1 if winner == "approved" else 0)
    assert verify_audit(plant.data / "copilot.sqlite3", plant.data / "secrets.json").ok


@pytest.mark.parametrize("point,expect_after_crash", [
    ("decision:before_commit", "pending"),
    ("decision:after_commit", "approved"),
    ("webhook:before_post", "approved"),
    ("webhook:after_post", "approved"),
])
def test_server_killed_at_each_step_recovers_on_restart(plant: Plant, point: str, expect_after_crash: str) -> None:
    approval = plant.propose()
    plant.start(fault=point)
    try:
        plant.api("POST", f"/v1/approvals/{approval['id']}/approve", role="approver", json={})
    except httpx.HTTPError:
        pass  # the server died mid-request
    assert plant.wait_dead() == -9, "the fault point was reached"
    plant.start()
    assert _status(plant, approval["id"]) == expect_after_crash
    if expect_after_crash == "pending":  # nothing happened: no order, nothing sent, deciding works again
        assert _orders(plant, approval["id"]) == [] and plant.received == []
        assert plant.api("POST", f"/v1/approvals/{approval['id']}/approve", role="approver", json={}).status_code == 200
    _assert_final(plant, approval, "approved")
    kinds = _audit_kinds(plant)
    assert kinds.count("approval_decided") == 1 and kinds.count("side_effect") == 1
    if point.startswith("webhook:"):
        assert "webhook_attempt_lost" in kinds


@pytest.mark.slow_webhook
def test_server_killed_while_the_webhook_is_in_flight(plant: Plant) -> None:
    """The issue's scenario: kill -9 while the (slow) webhook call is in flight, restart."""
    approval = plant.propose()
    plant.start()
    assert plant.api("POST", f"/v1/approvals/{approval['id']}/approve", role="approver", json={}).status_code == 200
    plant.wait_for(lambda: plant.received, timeout=120, what="the first delivery to arrive")
    plant.kill9()
    plant.start()
    _assert_final(plant, approval, "approved")
    assert len(plant.received) >= 2


def test_cli_killed_after_commit_is_finished_by_the_server(plant: Plant) -> None:
    approval = plant.propose()
    plant.start()
    cli = plant.cli("approvals", "approve", approval["id"], "--as", "cli-approver", fault="decision:after_commit")
    assert cli.returncode == -9
    _assert_final(plant, approval, "approved")
