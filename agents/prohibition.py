"""A use the documents forbid, asked as "could we ...?": the rule that forbids it, quoted, never a model "yes".

"Could we let a model run one of our safety instrumented functions on its own under supervised autonomy, if HSE
signs it off?" The 1.5B model answered "Yes, we could". CL-004 GR-D4 says "H3 is not permitted on safety
instrumented functions". Asked whether something may be done, when one sentence, step or row of the shown
sources forbids something (not permitted, must not, never, prohibited ...) and holds most of the question's
distinctive words (:func:`copilot.agents.source_statement.best_sentence`), that sentence is the answer: "No",
the rule quoted and cited. A question that is not about permission, or no forbidding sentence on its subject,
is answered as before.
"""

from __future__ import annotations

import re

from copilot.agents.jargon import expand_jargon
from copilot.agents.shapes import PERMISSION, REFERS_BACK, split_asks
from copilot.agents.source_statement import best_sentence
from copilot.types import Citation

FORBIDS = re.compile(r"\b(?:is|are|be) not (?:permitted|allowed)\b|\bmust (?:not|never)\b|\bmay not\b|\bnever\b|"
                     r"\b(?:is|are) (?:prohibited|forbidden|banned)\b|\bshall not\b|\bnot to be\b|\bno one may\b|"
                     # "'Continue as a pilot' without a decision is not an available outcome"
                     r"\b(?:is|are) not an? (?:available|allowed|permitted|accepted|valid) (?:outcome|option|decision)s?\b",
                     re.I)
# what a rule does allow ("one extension of at most 8 weeks is allowed, once"), said beside the "No"
ALLOWS = re.compile(r"\b(?:is|are) (?:allowed|permitted|accepted)\b|\bmay be (?:extended|repeated|used)\b", re.I)
ALLOWANCE_SHARE = 0.3  # of the whole question's distinctive words (the rule's own section has them)
# "must not be skipped unless ...", "never without a permit": a condition the asker may meet is not a "no"
# ("without a decision" is no condition: no decision lets a pilot simply continue)
_UNLESS = re.compile(r"\b(?:unless|except|without (?:a|an|the|prior|written)(?! decision)|other than)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def forbidding_rule(sources: list[Citation], question: str) -> tuple[str, Citation] | None:
    """(the quoted rule, its source) forbidding what a permission question asks about; None otherwise."""
    found = forbidden_ask(sources, question)
    return (found[0], found[1]) if found else None


def forbidden_ask(sources: list[Citation], question: str) -> tuple[str, Citation, str] | None:
    """(the quoted rule, its source, the ask it answers) for the first permission ask a rule forbids, each tried in
    the documents' words for its slang ("a safety trip" is a safety instrumented function); a later ask pointing
    back ("... and could that ever extend to a safety trip") on its own, then with the permission ask before it."""
    if not sources:
        return None
    for asked, part in _permission_asks(question):
        found = best_sentence(sources, expand_jargon(asked),
                              lambda text: bool(FORBIDS.search(text)) and not _UNLESS.search(text))
        if found is not None:
            return found[0], found[1], part
    return None


def _permission_asks(question: str) -> list[tuple[str, str]]:
    """(the words to look the rule up with, the ask they stand for), in the order tried."""
    first = permission_ask(question)
    if first is None:
        return []
    later = split_asks(question, yes_no=True)
    later = later[later.index(first) + 1:] if first in later else []
    return [(first, first), *((q, p) for p in later if REFERS_BACK.search(p) for q in (p, f"{first} {p}"))]


def permission_ask(question: str) -> str | None:
    """The part of the question that asks whether something may be done ("... and could we run a model at H3 on a
    trip loop"), the whole question when it is one ask; None when no part asks it."""
    parts = split_asks(question, yes_no=True)
    if len(parts) == 1:
        parts = [question] if PERMISSION.search(question) else []
    ask = next((p for p in parts if PERMISSION.search(p)), None)
    # the sentence that asks it ("... not quite there. can we just keep it running as a pilot?"), not the story before
    return next((s for s in _SENTENCE.split(ask) if PERMISSION.search(s)), ask) if ask else None


def render_forbidden(rule: str, source: Citation, ask: str | None = None, question: str = "") -> str:
    """"**No.**" and the rule; ``ask``: the part of a question of several that the rule answers, named first; what the
    rule's source allows instead on the ``question``'s subject, quoted after it."""
    lead = f"On \"{ask.strip(' ?,')}?\": **No.**" if ask else "**No.**"
    text = f"{lead} The documents do not allow this. In their words ({source.title or source.doc_id}): \"{rule}\" " \
           f"[{source.marker}]"
    allowed = best_sentence([source], expand_jargon(question), lambda t: bool(ALLOWS.search(t)) and
                            not FORBIDS.search(t), min_share=ALLOWANCE_SHARE) if question else None
    return text if allowed is None else f"{text}\n\nWhat they allow instead: \"{allowed[0]}\" [{source.marker}]"
