"""Name -> agent spec for every route."""

from __future__ import annotations

from copilot.agents import general, governance, maintenance, readiness
from copilot.agents.base import AgentSpec


def build_agents() -> dict[str, AgentSpec]:
    """One spec per route name (agents are stateless; per-thread state lives in the graph)."""
    specs = [readiness.spec(), governance.spec(), maintenance.spec(), general.general_spec(),
             general.out_of_scope_spec()]
    return {s.name: s for s in specs}
