"""Groundedness judge: the local LLM gives a JSON-schema-constrained verdict on one answer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from copilot.llm.base import LLM, LLMError
from copilot.types import Citation

JUDGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "grounded": {"type": "boolean"},
        "unsupported_claims": {"type": "integer", "minimum": 0, "maximum": 20},
    },
    "required": ["grounded", "unsupported_claims"],
}

SYSTEM = (
    "You check whether an answer is supported by its sources. A claim is unsupported when no source "
    "states it. Reply only with JSON: {\"grounded\": true|false, \"unsupported_claims\": <count>}. "
    "grounded is true only when every factual claim of the answer is stated in the sources."
)


class Verdict(BaseModel):
    grounded: bool
    unsupported_claims: int = Field(ge=0)


def judge_prompt(question: str, answer: str, sources: Sequence[Citation], max_chars: int = 3000) -> str:
    """User message with the question, numbered source excerpts (truncated to fit) and the answer."""
    budget = max(200, max_chars // max(1, len(sources)))
    lines = [f"[{c.marker}] {c.title}\n{c.text[:budget]}" for c in sources] or ["(no sources were shown)"]
    return f"Question: {question}\n\nSources:\n" + "\n\n".join(lines) + f"\n\nAnswer to check:\n{answer}\n\nVerdict JSON:"


def judge_answer(llm: LLM, question: str, answer: str, sources: Sequence[Citation],
                 max_tokens: int = 40) -> Verdict | None:
    """Ask the LLM for a verdict; None when it fails or returns something invalid."""
    messages = [{"role": "system", "content": SYSTEM},
                {"role": "user", "content": judge_prompt(question, answer, sources)}]
    try:
        result = llm.chat(messages, json_schema=JUDGE_SCHEMA, max_tokens=max_tokens, temperature=0.0)
        return Verdict(**json.loads(result.text))
    except (LLMError, ValidationError, json.JSONDecodeError, TypeError):
        return None
