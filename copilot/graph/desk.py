"""The approval desk of a :class:`CopilotService`: decisions, thread ownership, webhook outbox,
and recovery of threads whose decision was committed by a process that died before telling them."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from langgraph.types import Command

from copilot.actions.decisions import AlreadyDecided, Decision, commit_decision
from copilot.actions.executor import OutboxWorker
from copilot.actions.models import validate_payload
from copilot.faults import fault
from copilot.graph.deps import Deps
from copilot.graph.state import RunContext
from copilot.keys import load_key, settings_secrets_path
from copilot.types import ApprovalRequest

log = logging.getLogger(__name__)


RECOVERY_AGE_S = 10.0  # a decision younger than this may still be being reported by the process that made it


class ThreadAccessError(PermissionError):
    """The caller may not read or continue this thread."""


class ApprovalDesk:
    def __init__(self, deps: Deps, graph: Any, lock_for: Callable[[str], threading.Lock]) -> None:
        self.deps, self.graph, self._lock_for = deps, graph, lock_for
        s = deps.settings
        secret = load_key(settings_secrets_path(s), "webhook_signing")
        self.outbox = OutboxWorker(deps.store.db_path, deps.audit, secret, timeout_s=s.agents.webhook_timeout_s,
                                   max_attempts=s.agents.webhook_max_attempts, backoff_s=s.agents.webhook_backoff_s,
                                   on_tick=lambda: self.recover(min_age_s=RECOVERY_AGE_S))

    # -- threads --------------------------------------------------------------------------
    def claim(self, thread_id: str, user: str) -> None:
        """Make ``user`` the owner of a new thread; ThreadAccessError when another user owns it."""
        owner = self.deps.store.claim_thread(thread_id, user)
        if owner != user:
            raise ThreadAccessError(f"thread {thread_id!r} belongs to another user")

    def check_read(self, thread_id: str, user: str, role: str) -> None:
        """Owners read their threads; admins read all; approvers read threads with an approval for them."""
        owner = self.deps.store.thread_owner(thread_id)
        if owner == user or role == "admin":
            return
        if role == "approver" and self.deps.store.list_approvals(None, thread_id=thread_id):
            return
        raise ThreadAccessError(f"thread {thread_id!r} belongs to another user")

    # -- decisions ------------------------------------------------------------------------
    def decide(self, approval_id: str, decision: Decision, approver: str, comment: str | None,
               edited_payload: dict[str, Any] | None) -> ApprovalRequest:
        req = self.deps.store.get_approval(approval_id)
        if req.status != "pending":
            raise AlreadyDecided(req)
        payload = None
        if decision == "edit" or (decision == "approve" and edited_payload is not None):
            if edited_payload is None:
                raise ValueError("decision 'edit' needs edited_payload")
            payload = validate_payload(req.kind, edited_payload)
            decision = "edit"
        result = commit_decision(self.deps.store, self.deps.audit, approval_id, decision, actor=approver,
                                 comment=comment, payload=payload,
                                 webhook_url=self.deps.settings.agents.cmms_webhook_url)
        fault("decision:after_commit")
        self.notify(result.approval)
        if result.delivery_id:
            if self.outbox.running:
                self.outbox.wake()
            else:  # no background worker here (CLI): one attempt now; the server retries the rest
                self.outbox.run_once(only=result.delivery_id)
        return self.deps.store.get_approval(approval_id)

    def notify(self, approval: ApprovalRequest) -> None:
        """Resume the thread's interrupt so it shows the outcome (idempotent; the decision is already durable)."""
        config = {"configurable": {"thread_id": approval.thread_id}}
        try:
            with self._lock_for(approval.thread_id):
                if self.pending_interrupt(config, approval.id):
                    resume = {"approval_id": approval.id, "decision": "committed", "approver": approval.decided_by}
                    self.graph.invoke(Command(resume=resume), config,
                                      context=RunContext(deps=self.deps, thread_id=approval.thread_id))
            self.deps.store.mark_notified(approval.id)
        except Exception:  # noqa: BLE001 - the decision stands; recovery tells the thread later
            log.exception("could not resume thread %s after deciding %s", approval.thread_id, approval.id)

    def pending_interrupt(self, config: dict[str, Any], approval_id: str) -> bool:
        snapshot = self.graph.get_state(config)
        for task in snapshot.tasks:
            for intr in task.interrupts:
                if isinstance(intr.value, dict) and intr.value.get("approval_id") == approval_id:
                    return True
        return False

    def recover(self, min_age_s: float = 0.0) -> int:
        """Tell threads about decisions committed by a process that died before doing so; return how many."""
        from datetime import UTC, datetime

        done = 0
        now = datetime.now(UTC)
        for approval in self.deps.store.unnotified_decisions():
            try:
                age = (now - datetime.fromisoformat(str(approval.decided_at).replace("Z", "+00:00"))).total_seconds()
            except ValueError:
                age = min_age_s
            if age >= min_age_s:
                self.notify(approval)
                done += 1
        return done

    def start(self) -> None:
        """Server mode: recover now, then deliver webhooks in the background."""
        self.recover()
        self.outbox.start()

    def stop(self) -> None:
        self.outbox.stop()
