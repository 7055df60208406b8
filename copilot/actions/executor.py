"""Carry out an approved action exactly once, then notify the CMMS webhook (best effort)."""

from __future__ import annotations

import logging
from typing import Any

from copilot.actions.store import ActionStore

log = logging.getLogger(__name__)


def post_webhook(url: str, record: dict[str, Any], timeout_s: float = 10.0) -> str:
    """POST a work order to the CMMS webhook; return a status string. Never raises."""
    try:
        import httpx

        resp = httpx.post(url, json=record, timeout=timeout_s)
        if resp.status_code >= 400:
            log.warning("CMMS webhook %s answered %s for %s", url, resp.status_code, record.get("id"))
            return f"failed: HTTP {resp.status_code}"
        return "sent"
    except Exception as exc:  # noqa: BLE001 - a webhook failure must never lose the order
        log.warning("CMMS webhook %s failed for %s: %s", url, record.get("id"), exc)
        return f"failed: {type(exc).__name__}"


def execute_action(store: ActionStore, kind: str, approval_id: str, thread_id: str, payload: dict[str, Any],
                   approved_by: str, webhook_url: str | None = None) -> tuple[dict[str, Any], bool]:
    """Record the approved side effect (idempotent on approval_id). Returns (record, created_now)."""
    record, created = store.record(kind, approval_id, thread_id, payload, approved_by)
    if created and kind == "work_order" and webhook_url:
        status = post_webhook(webhook_url, record)
        store.set_webhook_status(record["id"], status)
        record["webhook_status"] = status
    return record, created
