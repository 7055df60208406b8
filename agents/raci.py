"""Who is accountable / responsible for an activity, read from a RACI matrix row (no model).

A RACI matrix gives each role a letter per activity (R responsible, A accountable, C consulted, I informed).
A small model reading "| Monitoring and drift response | I | I | C | A | I | R |" guesses the column; the
letters are read here instead, and the row is quoted beside the answer.
"""

from __future__ import annotations

import re

from copilot.agents.lookup import Row, markdown_rows, named_row_keys
from copilot.types import Citation

ASKS_ROLE = re.compile(r"\bwho(?:'s| is| are)?\b[^?]{0,40}?\b(accountable|responsible|consulted|informed|owns?|"
                       r"in charge)\b", re.I)
_LETTER = {"accountable": "A", "owns": "A", "own": "A", "in charge": "A", "responsible": "R", "consulted": "C",
           "informed": "I"}
_NAMES = {"A": "accountable", "R": "responsible", "C": "consulted", "I": "informed"}


def _is_raci(row: Row) -> bool:
    letters = [v.strip("* ") for _c, v in row.cells[1:]]
    return len(letters) >= 3 and all(re.fullmatch(r"[RACI](?:\s*/\s*[RACI])*", v) for v in letters)


def raci_row(sources: list[Citation], question: str) -> tuple[Row, Citation] | None:
    """The RACI row of the activity the question names, with its source; None if the question asks no role."""
    if not ASKS_ROLE.search(question):
        return None
    for key in named_row_keys(question, [c.text for c in sources]):
        for cite in sources:
            for row in markdown_rows(cite.text, key):
                if _is_raci(row):
                    return row, cite
    return None


def render_raci(row: Row, cite: Citation, question: str) -> str:
    """The roles holding the asked letter first (accountable when the question asks who owns it), then the others."""
    asked = _LETTER[ASKS_ROLE.search(question).group(1).lower()]
    by_letter: dict[str, list[str]] = {}
    for role, value in row.cells[1:]:
        for letter in re.findall(r"[RACI]", value):
            by_letter.setdefault(letter, []).append(role)
    activity = row.cells[0][1]
    lines = [f"**{activity}**: {_NAMES[asked]}: {', '.join(by_letter.get(asked, [])) or 'no role'} [{cite.marker}]"]
    lines += [f"- {_NAMES[letter]}: {', '.join(by_letter[letter])}" for letter in "ARCI"
              if letter != asked and letter in by_letter]
    return "\n".join(lines) + f"\n\n{row.text}"
