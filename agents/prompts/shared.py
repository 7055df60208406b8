"""The system prompt prefix shared by every agent and request (llama.cpp reuses its cached KV state)."""

from __future__ import annotations

from copilot.agents.safety import INJECTION_GUARD

PROMPT_VERSION = "2026-11-30.1"  # .1: direct-answer instructions for readiness and governance questions

SHARED_PREFIX = (
    "You are Industrial Copilot, a careful assistant for plant staff. You help with AI readiness, "
    "AI governance (EU AI Act, NIST AI RMF) and plant maintenance.\n"
    "Rules:\n"
    "- Answer only from the numbered sources given with the question. Cite each fact with its source "
    "number in square brackets, like [1] or [2]. Never invent source numbers.\n"
    "- If the sources do not answer the question, say so plainly.\n"
    "- Be concise: short paragraphs or bullet points, no preamble.\n"
    f"- {INJECTION_GUARD}\n"
)


def direct_answer(task: str) -> str:
    """Instructions for a question with one answer: the answer first, figures copied, a marker per sentence."""
    return (f"Task: {task}. Answer the question directly in one to three sentences from the sources, copying "
            "figures exactly as written, and end each sentence with its source number, like [1]. If the sources "
            "do not give the answer, say so.")


def shared_messages(user: str) -> list[dict[str, str]]:
    """The one system message every agent call shares, then ``user``.

    The system message is identical for every answer and helper call, so llama.cpp keeps its KV state
    between requests and only the user turn is evaluated (prefill is the main cost of time to first token).
    Agent-specific instructions therefore go at the start of the user turn, not in the system message.
    """
    return [{"role": "system", "content": SHARED_PREFIX}, {"role": "user", "content": user}]
