"""The webhook outbox: a delivery is queued in the decision's transaction, then claimed with a lease,
attempted, and finished with a log row and an audit record of its own.

States: ``pending`` -> ``in_flight`` (leased) -> ``delivered`` | ``pending`` (retry later) | ``dead``.
A process killed mid-delivery leaves an ``in_flight`` row whose lease expires; the next claim marks
that attempt ``lost`` (audited) and delivers again with the same idempotency key.
"""

from __future__ import annotations

import json
import sqlite3
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from copilot.db import connect, transaction
from copilot.types import utcnow

OUTBOX_SCHEMA = """
CREATE TABLE IF NOT EXISTS webhook_outbox (
    id TEXT PRIMARY KEY, work_order_id TEXT NOT NULL UNIQUE, approval_id TEXT NOT NULL, thread_id TEXT,
    url TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at REAL NOT NULL, lease_until REAL, last_error TEXT, created_at TEXT NOT NULL, delivered_at TEXT
);
CREATE TABLE IF NOT EXISTS webhook_deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT, outbox_id TEXT NOT NULL, work_order_id TEXT NOT NULL,
    attempt INTEGER NOT NULL, started_at TEXT NOT NULL, finished_at TEXT, outcome TEXT NOT NULL DEFAULT 'in_flight',
    http_status INTEGER, error TEXT
);
CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox (status, next_attempt_at);
"""


@dataclass
class Delivery:
    """One claimed attempt."""

    outbox_id: str
    work_order_id: str
    approval_id: str
    thread_id: str | None
    url: str
    body: str
    attempt: int
    log_id: int


def enqueue_in(conn: sqlite3.Connection, work_order: dict[str, Any], url: str) -> str:
    """Queue the delivery of a work order inside the caller's transaction; returns the outbox id
    (also the ``Idempotency-Key`` of every attempt)."""
    outbox_id = f"whd_{uuid.uuid4().hex}"
    body = json.dumps(work_order, sort_keys=True, ensure_ascii=False)  # frozen: every retry sends the same bytes
    conn.execute("INSERT INTO webhook_outbox (id, work_order_id, approval_id, thread_id, url, body, status, "
                 "next_attempt_at, created_at) VALUES (?,?,?,?,?,?, 'pending', ?, ?)",
                 (outbox_id, work_order["id"], work_order["approval_id"], work_order.get("thread_id"), url, body,
                  time.time(), utcnow()))
    conn.execute("UPDATE work_orders SET webhook_status='queued' WHERE id=?", (work_order["id"],))
    return outbox_id


def claim_due(db_path: Path, audit: Any, lease_s: float, *, only: str | None = None,
              limit: int = 10) -> list[Delivery]:
    """Lease due deliveries (pending and due, or in flight with an expired lease) for one attempt each."""
    now = time.time()
    claimed: list[Delivery] = []
    anchors = []
    with transaction(db_path) as conn:
        sql = ("SELECT * FROM webhook_outbox WHERE ((status='pending' AND next_attempt_at<=?) "
               "OR (status='in_flight' AND lease_until<?))")
        args: list[Any] = [now, now]
        if only:
            sql += " AND id=?"
            args.append(only)
        for row in conn.execute(sql + " ORDER BY next_attempt_at LIMIT ?", (*args, limit)).fetchall():
            if row["status"] == "in_flight":  # its process died mid-attempt: that attempt is lost
                conn.execute("UPDATE webhook_deliveries SET outcome='lost', finished_at=?, error=? "
                             "WHERE outbox_id=? AND outcome='in_flight'",
                             (utcnow(), "the delivering process stopped before recording a result", row["id"]))
                anchors.append(audit.append_in(conn, "webhook_attempt_lost", {
                    "work_order_id": row["work_order_id"], "delivery_id": row["id"], "attempt": row["attempts"]},
                    thread_id=row["thread_id"], actor="system"))
            attempt = row["attempts"] + 1
            conn.execute("UPDATE webhook_outbox SET status='in_flight', attempts=?, lease_until=? WHERE id=?",
                         (attempt, now + lease_s, row["id"]))
            log_id = conn.execute("INSERT INTO webhook_deliveries (outbox_id, work_order_id, attempt, started_at) "
                                  "VALUES (?,?,?,?) RETURNING id",
                                  (row["id"], row["work_order_id"], attempt, utcnow())).fetchone()[0]
            conn.execute("UPDATE work_orders SET webhook_status='delivering' WHERE id=?", (row["work_order_id"],))
            claimed.append(Delivery(row["id"], row["work_order_id"], row["approval_id"], row["thread_id"], row["url"],
                                    row["body"], attempt, int(log_id)))
    for record in anchors:
        audit.anchor(record)
    return claimed


def backoff_s(attempt: int, first_s: float) -> float:
    """Delay before the next attempt: first_s, 2*first_s, 4*first_s ... capped at one hour."""
    return float(min(first_s * (2 ** max(attempt - 1, 0)), 3600.0))


def finish(db_path: Path, audit: Any, d: Delivery, *, http_status: int | None, error: str | None,
           max_attempts: int, first_backoff_s: float) -> str:
    """Record the attempt's result, the outbox state and an audit record in one transaction; return the state."""
    ok = error is None and http_status is not None and http_status < 300
    if ok:
        state, wo_status = "delivered", "sent"
    elif d.attempt >= max_attempts:
        state, wo_status = "dead", f"failed after {d.attempt} attempts: {error or f'HTTP {http_status}'}"
    else:
        state, wo_status = "pending", f"retrying (attempt {d.attempt} failed: {error or f'HTTP {http_status}'})"
    with transaction(db_path) as conn:
        current = conn.execute("SELECT status, attempts FROM webhook_outbox WHERE id=?", (d.outbox_id,)).fetchone()
        if current is None or current["status"] != "in_flight" or current["attempts"] != d.attempt:
            return current["status"] if current else "unknown"  # our lease expired and another process took over
        conn.execute("UPDATE webhook_deliveries SET outcome=?, finished_at=?, http_status=?, error=? WHERE id=?",
                     ("delivered" if ok else "failed", utcnow(), http_status, error, d.log_id))
        conn.execute("UPDATE webhook_outbox SET status=?, lease_until=NULL, last_error=?, next_attempt_at=?, "
                     "delivered_at=? WHERE id=?",
                     (state, None if ok else (error or f"HTTP {http_status}"),
                      time.time() + backoff_s(d.attempt, first_backoff_s), utcnow() if ok else None, d.outbox_id))
        conn.execute("UPDATE work_orders SET webhook_status=? WHERE id=?", (wo_status, d.work_order_id))
        kind = {"delivered": "webhook_delivered", "dead": "webhook_gave_up"}.get(state, "webhook_failed")
        record = audit.append_in(conn, kind, {"work_order_id": d.work_order_id, "delivery_id": d.outbox_id,
                                              "attempt": d.attempt, "http_status": http_status, "error": error},
                                 thread_id=d.thread_id, actor="system")
    audit.anchor(record)
    return state


def deliveries(db_path: Path, work_order_id: str) -> dict[str, Any]:
    """The outbox state and every attempt of one work order's webhook delivery."""
    conn = connect(db_path)
    try:
        box = conn.execute("SELECT id, url, status, attempts, last_error, created_at, delivered_at, next_attempt_at "
                           "FROM webhook_outbox WHERE work_order_id=?", (work_order_id,)).fetchone()
        rows = conn.execute("SELECT attempt, started_at, finished_at, outcome, http_status, error "
                            "FROM webhook_deliveries WHERE work_order_id=? ORDER BY id", (work_order_id,)).fetchall()
    finally:
        conn.close()
    if box is None:
        return {"work_order_id": work_order_id, "delivery_id": None, "status": "not_configured", "attempts": []}
    info = dict(box)
    next_at = info.pop("next_attempt_at")
    info["attempt_count"] = info.pop("attempts")
    info["next_attempt_in_s"] = round(max(next_at - time.time(), 0.0), 1) if info["status"] == "pending" else None
    return {"work_order_id": work_order_id, "delivery_id": info.pop("id"), **info,
            "attempts": [dict(r) for r in rows]}


def pending_ids(db_path: Path) -> list[str]:
    conn = connect(db_path)
    try:
        return [r[0] for r in conn.execute("SELECT id FROM webhook_outbox WHERE status IN ('pending','in_flight')")]
    finally:
        conn.close()
