"""Can it go live after the governance review? The outcome decided by the review checklist's own outcome table.

"The review found a 14 point recall gap between shifts, nothing else open. Can it still go live?" The 1.5B model
named the finding and stopped, or guessed. The stated reading is placed in its limit row (a gap of more than
10 percentage points "is a Major finding", :mod:`copilot.agents.reading_check`), or the question names the
finding's grade itself ("one Major finding"); then the first row of the outcome table whose condition holds decides
("No Critical or Major findings" / "No Critical findings; Major findings have owners and 30-day dates" / "Any
Critical finding"), quoted as written.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.lookup import markdown_tables, search_for
from copilot.agents.reading_check import reading_answer
from copilot.types import Citation

ASKS = re.compile(r"\b(?:(?:can|could|will|would) (?:it|we|this|that) (?:still )?(?:go live|be approved|pass|deploy)|"
                  r"go[- ]live|going live|stop (?:us|it|the \w+) (?:from )?(?:going live|go(?:ing)? live|deploy\w*)|(?:review )?outcome|is (?:it|that|this) (?:still )?(?:approved|a pass)|"
                  r"(?:will|would) (?:it|this|that) (?:be )?(?:approved|signed off|pass))\b", re.I)
GRADES = ("critical", "major", "minor")
_STATED = re.compile(r"\b(critical|major|minor)(?:s\b|\b(?=[^.?!]{0,20}\bfindings?\b))", re.I)  # "two majors"
_NEGATED = re.compile(r"\b(?:no|zero|without|not any|nothing) (critical|major|minor)\b", re.I)
_IN_BAND = re.compile(r"is in the band \"[^\"]*?\b(critical|major|minor) finding", re.I)
_NO = re.compile(r"\bno ((?:critical|major|minor)(?: or (?:critical|major|minor))*) findings?\b", re.I)
_ANY = re.compile(r"\bany (critical|major|minor) findings?\b", re.I)


def _outcome_table(c: Citation) -> list[tuple[str, str]]:
    for header, rows in markdown_tables(c.text):
        if [h.lower() for h in header[:2]] == ["outcome", "condition"]:
            return [(r[0], r[1]) for r in rows if len(r) >= 2]
    return []


def outcome_source(retriever: Any, sources: list[Citation], question: str) -> Citation | None:
    """The review's outcome table, searched when the question asks for the outcome and no shown source has it."""
    if not ASKS.search(question):
        return None
    return search_for(retriever, sources, "governance review outcome approved with conditions not approved findings",
                      lambda c: bool(_outcome_table(c)))


def _holds(condition: str, found: set[str]) -> bool:
    nones = [g.lower() for m in _NO.finditer(condition) for g in re.split(r" or ", m.group(1))]
    anys = [m.group(1).lower() for m in _ANY.finditer(condition)]
    return bool(nones or anys) and not (set(nones) & found) and all(a in found for a in anys)


def review_outcome(sources: list[Citation], question: str) -> str | None:
    """The outcome the review table gives for the findings the question states or implies, with the reading's limit
    row and the deciding outcome row quoted; None when the question asks no outcome or states no finding."""
    if not ASKS.search(question):
        return None
    table = next(((c, rows) for c in sources if (rows := _outcome_table(c))), None)
    if table is None:
        return None
    reading = reading_answer(sources, question) or ""
    found = ({m.group(1).lower() for m in _STATED.finditer(question)} - {m.group(1).lower() for m in
                                                                         _NEGATED.finditer(question)}) | \
        {m.group(1).lower() for m in _IN_BAND.finditer(reading)}
    if not found:
        return None
    source, rows = table
    outcome = next(((name, cond) for name, cond in rows if _holds(cond, found)), None)
    if outcome is None:
        return None
    name, condition = outcome
    grades = " and ".join(g.capitalize() for g in GRADES if g in found)
    lead = f"{reading}\n\n" if reading else ""
    return (f"{lead}**{name}**, by the review's own outcome rule [{source.marker}]: the finding is {grades}, and "
            f"no other finding is stated.\n\n| Outcome | Condition |\n|---|---|\n| {name} | {condition} | "
            f"[{source.marker}]")


_GRADED = re.compile(r"\*\*(Critical|Major|Minor)\*\*\s*\(([^)]+)\)")  # "**Major** (must be closed within 30 days)"


def _grades_in(reading: str) -> set[str]:
    return {m.group(1).lower() for m in _IN_BAND.finditer(reading)}


def grading_source(retriever: Any, sources: list[Citation], reading: str) -> Citation | None:
    """The review's grading sentence, searched when a placed reading's band names a finding's grade and no shown
    source defines the grades."""
    if not _grades_in(reading):
        return None
    return search_for(retriever, sources, "findings are graded Critical Major Minor closed within days",
                      lambda c: bool(_GRADED.search(c.text)))


def grade_meaning(sources: list[Citation], reading: str) -> str:
    """What the grade a placed reading's band names means, quoted from the review's grading sentence ("Major: "must
    be closed within 30 days""); empty when the reading names no grade or no source defines it."""
    grades = _grades_in(reading)
    found = [(m.group(1), m.group(2), c.marker) for c in sources for m in _GRADED.finditer(c.text)
             if m.group(1).lower() in grades]
    return "\n".join(f"- {grade} finding: \"{meaning}\" [{n}]" for grade, meaning, n in dict.fromkeys(found))

