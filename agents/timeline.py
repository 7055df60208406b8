""""When does X apply?" read from a dated table (a timeline whose first column is a date), no model.

A timeline puts several dates one line apart; the small model copies the wrong one (asked when the Annex III
high-risk rules apply, it gave the general-purpose-AI date of the row above). The row whose words the question
shares most, clearly ahead of the others, is answered with its own cells and quoted whole.
"""

from __future__ import annotations

import re

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.lookup import Row, markdown_rows
from copilot.agents.row_binding import tables
from copilot.agents.shapes import split_asks
from copilot.types import Citation

ASKS_WHEN = re.compile(r"^\s*(?:and |so )?(?:when|by when|from when|since when|until when)\b|\b(?:from|since|by) when\b|"
                       r"\b(?:what|which) (?:date|day|year|deadline)\b|\bwhen (?:do|does|did|will|is|are|must|should)\b|"
                       r"\b(?:asked|ask|know|tell (?:me|us)|find out|wondering|confirm) when\b|"
                       r"\bwhen\b.{0,60}\b(?:start\w*|appl(?:y|ies|ying)|come?s? into|tak(?:e|es) effect|in force|due|"
                       r"begin\w*|kicks? in)\b", re.I)
MIN_SHARED = 2  # the row must share this many of the question's words, and more than any other dated row


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b(?:\d{{1,2}} )?(?:{_MONTHS})(?: \d{{1,2}},)? (?:19|20)\d{{2}}\b|\b(?:19|20)\d{{2}}-\d{{2}}(?:-\d{{2}})?\b|"
                  r"^\s*(?:Q[1-4] )?(?:19|20)\d{2}\s*$", re.I)


def _dated(cell: str) -> bool:
    return bool(DATE.search(cell))


def dated_row(sources: list[Citation], question: str) -> tuple[Row, Citation] | None:
    """The row of a dated table the question names, with its source; None when no row clearly wins."""
    if not ASKS_WHEN.search(question):
        return None
    asked = content_terms(split_asks(question)[0])  # "when do X apply? and what other deadlines": X's row
    found: list[tuple[set[str], str, Citation]] = []
    for cite in sources:
        for rows in tables(cite.text):
            firsts = [r.text.strip().strip("|").split("|")[0].strip() for r in rows]
            if len(rows) < 2 or not all(_dated(f) for f in firsts):
                continue
            found += [(shared_terms(asked, row.terms), first, cite) for row, first in zip(rows, firsts, strict=True)]
    if not found:
        return None
    # a word many rows share ("rules", "AI") names the row less than one only this row has ("transparency")
    df = {t: sum(t in shared for shared, _f, _c in found) for t in asked}
    scored = sorted(((len(shared), sum(1 / df[t] for t in shared), first, cite) for shared, first, cite in found),
                    key=lambda s: (-min(s[0], MIN_SHARED), -s[1]))
    count, weight, key, cite = scored[0]
    if count < MIN_SHARED or (len(scored) > 1 and scored[1][0] >= MIN_SHARED and scored[1][1] >= weight
                              and scored[1][2] != key):
        return None
    found = markdown_rows(cite.text, key)
    return (found[0], cite) if found else None


def render_dated_row(row: Row, cite: Citation) -> str:
    """The date, what the row says happens then, cited; the row quoted with its header."""
    (_col, date), *rest = row.cells
    what = "; ".join(v for _c, v in rest)
    return f"**{date}**: {what} [{cite.marker}]\n\n{row.text}"
