"""Does what we have pass? The user's stated quantities against the minimums a shown checklist row sets.

"We have 8 months of historian data and about 12 confirmed seal failures. Does that pass data readiness?"
The 1.5B model listed checklist rows and concluded nothing right; the data-readiness checklist says "At least
12 months" (DR-02) and "At least 20 confirmed events per failure mode" (DR-15). Each quantity the question
states (a number with a unit: months, years, events or failures, labels, %) is compared with the "at least N
<unit>" of the shown table row about it (the row sharing the most question words, among rows with that unit);
the answer is the comparison, with each row's criterion quoted. Only when every stated quantity has such a row
(else the model answers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.context_focus import table_cells
from copilot.types import Citation

# unit word -> (kind, factor to the kind's base unit)
UNITS = {"month": ("months", 1), "months": ("months", 1), "year": ("months", 12), "years": ("months", 12),
         "event": ("events", 1), "events": ("events", 1), "failure": ("events", 1), "failures": ("events", 1),
         "examples": ("events", 1), "cases": ("events", 1), "label": ("labels", 1), "labels": ("labels", 1),
         "%": ("percent", 1), "percent": ("percent", 1)}
_UNIT = r"%|percent|months?|years?|events?|failures?|examples|cases|labels?"
STATED = re.compile(rf"\b(?P<n>\d+(?:\.\d+)?)\s*(?:[a-z-]+\s+){{0,4}}?(?P<unit>{_UNIT})(?![a-z])", re.I)
MINIMUM = re.compile(rf"\b(?:at least|minimum(?: of)?|no fewer than|>=|≥)\s*(?P<n>\d+(?:\.\d+)?)\s*"
                     rf"(?:[a-z-]+\s+){{0,1}}?(?P<unit>{_UNIT})(?![a-z])", re.I)
ASKS_PASS = re.compile(r"\b(?:does|do|would|will|is|are|can) (?:that|this|it|we|these|those)\b.{0,40}?\b(?:pass|meet|"
                       r"enough|sufficient|qualify|good enough|ready)\b|\bpass(?:es)? (?:the )?(?:[a-z]+ )?readiness\b|"
                       r"\bis (?:that|this) enough\b", re.I)


@dataclass(frozen=True)
class Criterion:
    source: Citation
    key: str  # the row's first cell ("DR-15")
    text: str  # the cell holding the minimum, as written
    minimum: float
    kind: str


def _rows(c: Citation) -> list[list[str]]:
    return [table_cells(line) for line in c.text.splitlines()
            if line.lstrip().startswith("|") and not set(line) <= set("|-: ")]


def _criteria(sources: list[Citation]) -> list[tuple[Criterion, set[str]]]:
    out = []
    for c in sources:
        for cells in _rows(c):
            for cell in cells[1:]:
                m = MINIMUM.search(cell)
                if m and m["unit"].lower() in UNITS:
                    kind, factor = UNITS[m["unit"].lower()]
                    out.append((Criterion(c, cells[0], cell, float(m["n"]) * factor, kind),
                                content_terms(" ".join(cells))))
    return out


def threshold_answer(sources: list[Citation], question: str) -> str | None:
    """The comparison of every quantity the question states with its checklist minimum, or None."""
    if not ASKS_PASS.search(question):
        return None
    stated = [(float(m["n"]) * UNITS[m["unit"].lower()][1], UNITS[m["unit"].lower()][0], m.group(0))
              for m in STATED.finditer(question) if m["unit"].lower() in UNITS]
    criteria = _criteria(sources)
    if not stated or not criteria:
        return None
    asked = content_terms(question)
    lines, passes, titles = [], True, []
    for value, kind, said in stated:
        fits = [(len(shared_terms(asked, words)), crit) for crit, words in criteria if crit.kind == kind]
        if not fits:
            return None
        best = max(score for score, _ in fits)
        top = {crit.minimum: crit for score, crit in fits if score == best}
        if len(top) != 1:  # rows about the asked thing disagree on the minimum: not decided by rule
            return None
        crit = next(iter(top.values()))
        ok = value >= crit.minimum
        passes = passes and ok
        titles.append(crit.source.title)
        key = f" ({crit.key})" if re.search(r"[A-Za-z]", crit.key) else ""  # a row ID, not a rubric level
        lines.append(f"- {said.strip()}: {'meets' if ok else 'below'} the minimum{key}: \"{crit.text}\" "
                     f"[{crit.source.marker}]")
    verdict = "**Passes** on the figures you gave" if passes else "**Does not pass** on the figures you gave"
    return (f"{verdict} ({'; '.join(dict.fromkeys(titles))}):\n" + "\n".join(lines) +
            "\n\nOnly the items your question gives figures for are checked; the other items of the checklist still apply.")

