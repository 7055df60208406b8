"""Is my list complete? The documents' own list for the asked equipment, quoted, so the user can check theirs.

"doing the seal on P-101. I've got the VFD-101 breaker and the suction + discharge valves on the lock list, anything
else that needs locking?" The 1.5B model's own yes/no check said the sources do not state it, and the copilot
abstained; SOP-SEAL-001 3.1 lists P-101's isolation points (VFD-101 supply breaker, HV-101A, HV-101B and the seal
flush valve HV-101F). When a question asks what else belongs to a list, the sentence of the shown sources that lists
two or more tags or codes for the asked equipment and holds most of the question's distinctive words
(:func:`copilot.agents.source_statement.best_sentence`) is quoted, cited. Which of its items the user's list
already holds is left to the user: "the suction + discharge valves" are HV-101A and HV-101B only by the
documents' words, and naming every other tag of the sentence as missing would mislead.
"""

from __future__ import annotations

import re

from copilot.agents.source_statement import best_sentence
from copilot.identifiers import identifiers
from copilot.types import Citation

ASKS_ELSE = re.compile(r"\b(?:anything|what|something|anywhere|which) else\b|\b(?:am i|are we|have i|have we) "
                       r"(?:missing|forgotten|forgot|missed)\b|\bdid (?:i|we) (?:miss|forget)\b|"
                       r"\bis (?:that|this) (?:all|everything|the lot|enough)\b|\bthe full list\b", re.I)
MIN_ITEMS = 2  # tags or codes a sentence must name to be a list
_HARD_WRAP = re.compile(r"(?<=[^\n|.:])\n(?=[a-z(])")


def listed_items(sources: list[Citation], question: str) -> tuple[str, Citation] | None:
    """(the sentence listing the items, its source), or None."""
    if not ASKS_ELSE.search(question):
        return None
    # a hard wrap inside a sentence ("For P-101 (EIP-P101)\nthe isolation points are: ...") keeps the asset with its list
    joined = [c.model_copy(update={"text": _HARD_WRAP.sub(" ", c.text)}) for c in sources]
    found = best_sentence(joined, question, lambda text: len(set(identifiers(text))) >= MIN_ITEMS)
    if found is None:
        return None
    sentence, source = found
    return sentence, next(c for c in sources if c.marker == source.marker)


def render_list(sentence: str, source: Citation) -> str:
    """The documents' list quoted, cited."""
    return f"Check your list against the documents' own ({source.title or source.doc_id}): \"{sentence}\" [{source.marker}]"
