"""A table row the question names by its row and column words, quoted under its header before the model answers.

"What PSI values count as watch vs action for drift?" names the monitoring table's row "Population Stability
Index (PSI) ..." by a word of its first cell and two of its columns ("Watch level", "Action level") by theirs.
The 1.5B model read that row's 0.10 / 0.25 the wrong way round. The row, with its header, is shown first and cited,
so the figures reach the reader as written; the model then answers the rest of the question.
A row qualifies when a word of its first cell that the question uses names no other row of its table, and the
question names at least one of the table's other columns; of several, the row sharing most words wins, and a tie
between two rows quotes none.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.lookup import markdown_table, markdown_tables
from copilot.types import Citation

MIN_WEIGHT = 0.2  # the row's own words must not be in (nearly) every shown source


@dataclass(frozen=True)
class NamedRow:
    source: Citation
    header: list[str]
    cells: list[str]
    score: tuple[float, int, int]  # rarity of its own row words, column words, words of its title, section, header


def _is_raci(rows: list[list[str]]) -> bool:
    """A responsibility matrix (cells R, A, C, I): read by :mod:`copilot.agents.raci`, not quoted here."""
    cells = [c for r in rows for c in r[1:] if c]
    return bool(cells) and sum(c.strip().upper() in ("R", "A", "C", "I", "A/R", "R/A") for c in cells) >= 0.6 * len(cells)


def named_row(sources: list[Citation], question: str) -> NamedRow | None:
    """The one table row the question names by a distinctive word of its first cell and by a column (see module)."""
    asked = content_terms(question)
    # a column is named by a plain word ("watch", "action"), not by a name that heads columns and fills documents alike
    # ("Consequence at Northbridge")
    proper = {w.lower() for w in re.findall(r"(?<![.?!]\s)(?<!^)\b[A-Z][a-z]+\b", question)}
    found: list[NamedRow] = []
    held = [content_terms(c.text) for c in sources]

    def weight(words: set[str]) -> float:  # a word few sources hold names a row better ("psi" against "model")
        return round(sum(math.log((1 + len(held)) / (1 + sum(w in h for h in held))) for w in words), 3)

    for c in sources:
        for header, rows in markdown_tables(c.text):
            if len(header) < 2 or len(rows) < 2 or _is_raci(rows):
                continue
            # a short code first ("| D | Data | ... |"): the row is named by its second cell too
            coded = all(len(r[0]) <= 3 for r in rows if r) and len(header) > 2
            names = 2 if coded else 1
            # a word naming one column only ("watch" of "Watch level"; "score" of two "A score of ..." columns names none)
            per_column = [content_terms(h) for h in header[names:]]
            columns = {t for t in set().union(*per_column) if sum(t in c for c in per_column) == 1}
            columns -= content_terms(" ".join(header[:names]))
            named_columns = {t for t in shared_terms(asked, columns) if t not in proper}
            if not named_columns:
                continue
            context = len(shared_terms(asked, content_terms(f"{c.title} {c.section} {' '.join(header)}")))
            firsts = [content_terms(" ".join(r[:names])) for r in rows]
            for i, (cells, first) in enumerate(zip(rows, firsts, strict=True)):
                own = shared_terms(asked, first)
                others = set().union(*(f for j, f in enumerate(firsts) if j != i))
                if own - others and len(cells) == len(header):
                    found.append(NamedRow(c, header, cells, (weight(own - others), len(named_columns), context)))
    found = [r for r in found if r.score[0] >= MIN_WEIGHT]
    if not found:
        return None
    best = max(r.score for r in found)
    top = [r for r in found if r.score == best]
    return top[0] if len({tuple(r.cells) for r in top}) == 1 else None


def render_named_row(row: NamedRow) -> str:
    return markdown_table(row.header, [row.cells]) + f" [{row.source.marker}]"
