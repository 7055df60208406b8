"""The total of one quantity over the rows a question names, added by rule.

"regreasing M-101 tonight - how many grams total between both bearings and what grease?" The lubrication schedule
has one row per bearing ("26 g", "20 g"), its quantity column is text (units vary from row to row), so the table
planner cannot sum it and the 1.5B model's 46 g would be a figure no source holds. Here, when the question asks a
total, the column asked for ("quantity") is read from each shown row: when every row states one figure in one unit,
their sum leads the rows, with the terms it adds.
"""

from __future__ import annotations

import re

from copilot.agents.figures import extract
from copilot.agents.lookup import Row

ASKS_TOTAL = re.compile(r"\b(?:total|in all|altogether|all together|combined|add(?:s|ed)? up|sum|"
                        r"between (?:both|the two|the \w+ of them|them|all))\b", re.I)


def row_total(rows: list[Row], column: str, question: str) -> str | None:
    """"**Total: 46 g** (26 g + 20 g, the quantity of the 2 rows below)" when the question asks a total and each of
    two or more rows gives one figure in one unit in ``column``; None otherwise."""
    if not ASKS_TOTAL.search(question) or len(rows) < 2:
        return None
    figures = []
    for r in rows:
        found = [f for f in extract(r.value(column), min_bare=0) if f.kind == "number"]
        if len(found) != 1 or not found[0].unit:
            return None  # "13 g DE / 9 g NDE", "2 L; as needed": not one figure
        figures.append(found[0])
    if len({f.unit for f in figures}) != 1:
        return None
    total = sum(float(f.value) for f in figures)
    unit = re.sub(r"^[\d.,]+\s*", "", figures[0].raw) or figures[0].unit  # as the first row writes it
    return (f"**Total: {total:g} {unit}** ({' + '.join(f.raw or f.value for f in figures)}, the {column} of the "
            f"{len(rows)} rows below)")
