"""Per-fact entailment: does an answer state a required fact? The local LLM says yes or no, constrained
to a JSON schema, on the prompt prefix every agent shares (so llama.cpp reuses its cached KV state).

The question and answer come before the fact in the user turn, so the facts of one answer share all
but their last few tokens and only the fact is evaluated again. A fact found by exact match is
entailed without a model call (see :func:`entailment_recall`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from copilot.agents.prompts.shared import shared_messages
from copilot.eval.textmatch import fact_found
from copilot.llm.base import LLM
from copilot.llm.yesno import yes_no

INSTRUCTION = (
    "Task: fact check. You are given a question, an answer and one fact. Decide whether the answer states "
    "the fact, in the same or other words. Numbers, units, codes, tags and names must match exactly: a "
    "different number or unit, a different code, a contradiction, or a fact the answer does not state "
    "means false. Reply only with JSON: {\"entailed\": true} or {\"entailed\": false}."
)


def entail_prompt(question: str, answer: str, fact: str, max_answer_chars: int = 4000) -> str:
    """User turn: instruction, question and answer (shared by every fact of the answer), then the fact."""
    return (f"{INSTRUCTION}\n\nQuestion: {question}\n\nAnswer:\n{answer[:max_answer_chars]}\n\n"
            f"Fact: {fact}\nDoes the answer state this fact? JSON:")


def entails(llm: LLM, question: str, answer: str, fact: str, max_tokens: int = 16) -> bool | None:
    """The model's yes/no for one fact; None when the call fails or the output is not the schema."""
    return yes_no(llm, shared_messages(entail_prompt(question, answer, fact)), "entailed", max_tokens=max_tokens)


def entailment_flags(llm: LLM, question: str, answer: str, facts: Sequence[str],
                     use_exact: bool = True) -> list[bool | None]:
    """Per fact: True when exact match finds it (if ``use_exact``) or the model says it is stated."""
    if not answer.strip():
        return [False] * len(facts)
    out: list[bool | None] = []
    for fact in facts:
        if use_exact and fact_found(fact, answer):
            out.append(True)
        else:
            out.append(entails(llm, question, answer, fact))
    return out


def entailment_recall(llm: LLM, question: str, answer: str, facts: Sequence[dict]) -> dict[str, Any]:
    """Entailment recall over all and over essential facts (``facts``: ``{"fact", "essential"}``).

    A fact whose model call failed counts as not entailed and is listed in ``failed``."""
    if not facts:
        return {"entailment": None, "essential_entailment": None, "flags": [], "failed": 0}
    flags = entailment_flags(llm, question, answer, [f["fact"] for f in facts])
    ess = [i for i, f in enumerate(facts) if f.get("essential", True)]
    ok = [bool(f) for f in flags]
    return {
        "entailment": sum(ok) / len(ok),
        "essential_entailment": sum(ok[i] for i in ess) / len(ess) if ess else None,
        "flags": flags,
        "failed": sum(1 for f in flags if f is None),
    }
