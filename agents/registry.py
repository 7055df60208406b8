"""Name -> agent instance for every route."""

from __future__ import annotations

from agents.base import Agent
from agents.general import GeneralAgent, OutOfScopeAgent
from agents.governance import GovernanceAgent
from agents.maintenance import MaintenanceAgent
from agents.readiness import ReadinessAgent


def build_agents() -> dict[str, Agent]:
    """One instance per route name (agents are stateless; per-thread state lives in the graph)."""
    agents: list[Agent] = [ReadinessAgent(), GovernanceAgent(), MaintenanceAgent(), GeneralAgent(), OutOfScopeAgent()]
    return {a.name: a for a in agents}
