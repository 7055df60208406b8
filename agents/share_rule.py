"""A stated amount cut to the share a rule allows, computed.

"Reliability programme and our anomaly detector ran on the same pumps, savings worth EUR 600,000 in total, no
control group. How much can the AI use case put in the value register?" The value playbook's rule: "Without a
controlled comparison, the AI use case may claim at most 50% of the measured improvement, unless ...". The 1.5B model
cannot be trusted with the multiplication (its EUR 300,000 is in no source, so the claim check withheld it and the
copilot abstained). Here the sentence capping a share ("at most / up to / no more than N% of ...") that shares most
words with the question is applied to the one money amount the question states, and quoted whole, conditions and
exceptions included, so the reader sees when the cap applies.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.lookup import search_for
from copilot.agents.value_case import stated_amounts
from copilot.types import Citation

ASKS = re.compile(r"\bhow much (?:of (?:it|that|this)\b|(?:can|may|could|should|do|does|are|is) (?:we|i|the|it|they|our)\b)"
                  r"|\bwhat (?:share|part|portion|percentage|amount)\b", re.I)
_CAP = re.compile(r"\b(?:at most|up to|no more than|not more than|a maximum of|maximum)\s+(\d+(?:\.\d+)?)\s?%\s+of\b", re.I)
MIN_SHARED = 3  # the rule's sentence shares this many of the question's words


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def _rule(sources: list[Citation], question: str) -> tuple[str, Citation, re.Match[str]] | None:
    """The sentence capping a share that shares most (at least MIN_SHARED) of the question's words."""
    asked = content_terms(question)
    best = max(((len(shared_terms(asked, content_terms(s))), s, c, m) for c in sources for s in _sentences(c.text)
                if (m := _CAP.search(s)) and "|" not in s), key=lambda t: t[0], default=None)
    return (best[1], best[2], best[3]) if best is not None and best[0] >= MIN_SHARED else None


def _asks_share(question: str) -> bool:
    return bool(ASKS.search(question)) and len(stated_amounts(question)) == 1


def share_source(retriever: Any, sources: list[Citation], question: str) -> Citation | None:
    """The rule capping the share, searched with the question when it asks a share of one stated amount and no
    shown sentence caps one; numbered after the shown sources."""
    if not _asks_share(question):
        return None
    return search_for(retriever, sources, question, lambda c: _rule([c], question) is not None)


def share_answer(sources: list[Citation], question: str) -> str | None:
    """The stated amount times the capped share of the shown rule sentence closest to the question, with the
    sentence quoted; None when the question asks no share of one stated amount or no shown sentence caps one."""
    if not _asks_share(question) or (rule := _rule(sources, question)) is None:
        return None
    (amount, currency), = stated_amounts(question)
    sentence, source, cap = rule
    share = float(cap.group(1))
    value = amount * share / 100
    cur = f"{currency} " if currency else ""
    return (f"**At most {cur}{value:,.0f}**: {share:g}% of your {cur}{amount:,.0f}, by the rule \"{sentence}\" "
            f"[{source.marker}]")
