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

from copilot.agents.shapes import PERMISSION, split_asks
from copilot.agents.source_statement import best_sentence
from copilot.types import Citation

FORBIDS = re.compile(r"\b(?:is|are|be) not (?:permitted|allowed)\b|\bmust (?:not|never)\b|\bmay not\b|\bnever\b|"
                     r"\b(?:is|are) (?:prohibited|forbidden|banned)\b|\bshall not\b|\bnot to be\b|\bno one may\b", re.I)
# "must not be skipped unless ...", "never without a permit": a condition the asker may meet is not a "no"
_UNLESS = re.compile(r"\b(?:unless|except|without (?:a|an|the|prior|written)|other than)\b", re.I)


def forbidding_rule(sources: list[Citation], question: str) -> tuple[str, Citation] | None:
    """(the quoted rule, its source) forbidding what a permission question asks about; None otherwise."""
    asked = permission_ask(question)
    if asked is None or not sources:
        return None
    return best_sentence(sources, asked, lambda text: bool(FORBIDS.search(text)) and not _UNLESS.search(text))


def permission_ask(question: str) -> str | None:
    """The part of the question that asks whether something may be done ("... and could we run a model at H3 on a
    trip loop"), the whole question when it is one ask; None when no part asks it."""
    parts = split_asks(question, yes_no=True)
    if len(parts) == 1:
        return question if PERMISSION.search(question) else None
    return next((p for p in parts if PERMISSION.search(p)), None)


def render_forbidden(rule: str, source: Citation) -> str:
    return f"**No.** The documents do not allow this. In their words ({source.title or source.doc_id}): \"{rule}\" " \
           f"[{source.marker}]"
