"""Fault injection for the crash tests: ``COPILOT_FAULT_POINT=<name>`` kills the process (SIGKILL,
like ``kill -9``) when it reaches that point. Unset in production; costs one env lookup per point."""

from __future__ import annotations

import os
import signal

POINTS = (
    "decision:before_commit",   # decision, side effect, outbox entry and audit written, not committed
    "decision:after_commit",    # committed; thread not yet told, webhook not yet attempted
    "webhook:before_post",      # delivery claimed (leased), request not yet sent
    "webhook:after_post",       # the CMMS has it; the result is not yet recorded
)


def fault(point: str) -> None:
    """Die here, as ``kill -9`` would, when the fault-injection env var names this point."""
    if os.environ.get("COPILOT_FAULT_POINT") == point:
        os.kill(os.getpid(), signal.SIGKILL)
