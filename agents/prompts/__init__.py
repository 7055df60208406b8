"""Prompts of the agents. ``PROMPT_VERSION`` goes into every audit record."""

from copilot.agents.prompts.shared import PROMPT_VERSION, SHARED_PREFIX, shared_messages

__all__ = ["PROMPT_VERSION", "SHARED_PREFIX", "shared_messages"]
