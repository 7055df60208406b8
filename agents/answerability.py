"""Do the sources state what a specific question asks? The model's own yes/no on the answer's prompt.

The rules in :mod:`copilot.agents.coverage` know a fixed list of attributes (price, serial number, torque ...).
Questions about a named organisation's contract, a site's score or a year's budget are not on it, and
retrieval always finds documents on the same subject. So before a model answer to a *specific* question
(one asking for a name, number, date or value), the model is asked, on the very prompt it will answer
(the same system message, instructions, sources and question, so llama.cpp reuses the evaluated
prefix and only a short suffix is new), whether the sources state the answer: one schema-constrained
token pair, a few hundred milliseconds. "No" becomes an abstention that names what the documents cover.
"""

from __future__ import annotations

import re

from copilot.agents.shapes import PERMISSION
from copilot.identifiers import identifiers
from copilot.llm.base import LLM, Message
from copilot.llm.yesno import yes_no
from copilot.retrieval.tokenize import tokenize
from copilot.types import Citation

ASK = (
    "\n\nBefore answering, check: does a numbered source above give the specific answer to this question "
    "(the name, number, date, amount or value asked for, for the subject asked about)? Sources on the same "
    "topic that do not give it mean false. Reply only with JSON: {\"stated\": true} or {\"stated\": false}."
)
# asks for one fact: a name, an amount, a date, a score, a value
_SPECIFIC = re.compile(
    r"^\s*(?:who|whom|which|when|where)\b|\bhow (?:much|many|long|often)\b|"
    r"\bwhat\b[^?]{0,50}\b(?:name|number|date|year|budget|cost|price|fine|score|"
    r"rating|value|amount|figure|total|percentage|rate|limit|size|headcount|salary|contract|vendor|supplier|"
    r"manager|owner|result|ori|get|tier|decision|outcome|verdict|status|roi|payback)\b|"
    r"\b(?:in|for|during) (?:19|20)\d\d\b", re.I)
# explanations are not lookups ("what does X mean", "how do I", "why", "explain")
_EXPLAIN = re.compile(r"\b(?:what does .{0,60} mean|how (?:do|should|can) (?:i|we)|why|explain|describe|difference|"
                      r"what are the (?:steps|requirements|obligations|controls))\b", re.I)


# a "no" is overruled when one source holds this share of the question's content words: the small model
# sometimes says no to a table row that answers in other words (dev set: answerable 0.67-0.90, unanswerable
# 0.43-0.62 once the readiness interview no longer captured a question)
OVERRULE_NO_AT = 0.75
_GENERIC = frozenset("use used get got take need much many long often value number name time kind type give "
                     "given".split())


# the words that frame an asked figure, not its subject: "the minimum ... period before go-live" is about go-live
# and shadow mode ("Minimum baseline period is 12 weeks" shares the frame only)
FRAME_WORDS = frozenset("minimum maximum min max least most period duration interval limit required requirement need "
                        "needed before after long typical usual normal allowed permitted value level figure setting "
                        "recommended".split())


def content_terms(text: str) -> set[str]:
    """The search terms of ``text`` without generic question words and bare numbers."""
    return {w for w in tokenize(text) if w not in _GENERIC and not w.isdigit()}


def shared_terms(asked: set[str], held: set[str]) -> set[str]:
    """The asked terms ``held`` also has, a stem matching its longer form ("greas" of "greased" and "grease")."""
    return {t for t in asked if t in held or (len(t) >= 4 and any(u.startswith(t) or (len(u) >= 4 and t.startswith(u))
                                                                  for u in held))}


def lexical_support(question: str, sources: list[Citation]) -> float:
    """The largest share of the question's content words that one source (title, section, text) holds."""
    asked = content_terms(question)
    if not asked:
        return 0.0
    return max((len(asked & content_terms(f"{c.title} {c.section} {c.text}")) / len(asked) for c in sources), default=0.0)


def is_specific(question: str) -> bool:
    """A question asking for one specific fact (see the module docstring), not an explanation nor whether
    something is allowed."""
    if _EXPLAIN.search(question):
        return False
    if PERMISSION.search(question) and not _SPECIFIC.search(question):  # allowed or not: a rule in words
        return False
    return bool(_SPECIFIC.search(question)) or bool(identifiers(question))


def should_abstain(stated: bool | None, question: str, sources: list[Citation]) -> bool:
    """Abstain only on the model's "no" that no source's wording contradicts (see :data:`OVERRULE_NO_AT`)."""
    return stated is False and lexical_support(question, sources) < OVERRULE_NO_AT


def sources_state(llm: LLM, messages: list[Message]) -> bool | None:
    """The model's yes/no on ``messages`` (the answer prompt) plus :data:`ASK`; None when it cannot tell."""
    *head, last = messages
    return yes_no(llm, [*head, {**last, "content": f"{last['content']}{ASK}"}], "stated")


ASK_PART = (
    "\n\nBefore answering, check only this part of the question: \"{part}\". Does a numbered source above give the "
    "specific answer to it (the name, number, date, amount or value asked for, for the subject asked about)? Sources "
    "on the same topic that do not give it mean false. Reply only with JSON: {{\"stated\": true}} or "
    "{{\"stated\": false}}."
)


def part_stated(llm: LLM, messages: list[Message], part: str) -> bool | None:
    """The model's yes/no for one part of a several-part question, on the same answer prompt (prefix reused)."""
    *head, last = messages
    return yes_no(llm, [*head, {**last, "content": f"{last['content']}{ASK_PART.format(part=part)}"}], "stated")
