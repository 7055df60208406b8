"""The site's own practice beside the rule-decided tier: its closest worked example and what the tier means there.

CL-005 lists worked examples from the inventory ("Camera-based PPE compliance alerts that do not identify
individuals | Minimal, subject to GDPR review | No identification or emotion inference; re-triage if faces are
stored"). A compliance officer asking about loading-bay hard-hat cameras wants that row: it carries the conditions
(GDPR review, re-triage if faces are stored) the tier alone does not. The row of a worked-example table (a header
cell naming the tier) whose system is most similar in meaning to the use case is quoted when it is similar enough
(:data:`MIN_SIMILARITY`, all-MiniLM-L6-v2) and its tier is the decided one; a precedent of another tier is not
shown (one tier per answer: the rules decide it).

The same checklist says what each tier means at the site ("| Minimal | Standard controls; CL-004 every 12 months
|"): the decided tier's row of that table (first header "Tier") is quoted too, so the review cadence is stated.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from copilot.agents.lookup import markdown_tables, search_for
from copilot.types import Citation

MIN_SIMILARITY = 0.55
_TIER_HEADER = re.compile(r"\btier\b", re.I)
# how a worked example writes each tier of the triage
_TIER_WORDS = {"prohibited": r"\bprohibited\b", "high": r"\bhigh[- ]risk\b", "limited": r"\btransparency\b|\blimited\b",
               "minimal": r"\bminimal\b"}


def _examples(c: Citation) -> list[tuple[list[str], list[str]]]:
    """(header, row) of each worked example in ``c``: tables with a tier column and at least three rows."""
    return [(header, row) for header, rows in markdown_tables(c.text)
            if len(rows) >= 3 and any(_TIER_HEADER.search(h) for h in header[1:]) for row in rows
            if len(row) == len(header)]


def examples_source(retriever: Any, sources: list[Citation]) -> Citation | None:
    """The worked-examples table, searched when no shown source holds one (numbered after the shown ones)."""
    return search_for(retriever, sources, "worked examples provisional tier reason inventory",
                      lambda c: bool(_examples(c)))


def closest_precedent(sources: list[Citation], use_case: str, tier: str,
                      embedder: Any) -> tuple[list[str], list[str], Citation] | None:
    """(header, row, source) of the worked example most similar to ``use_case`` when its tier is ``tier``."""
    rows = [(header, row, c) for c in sources for header, row in _examples(c)]
    if embedder is None or not rows:
        return None
    vectors = embedder.embed([use_case, *(row[0] for _h, row, _c in rows)])
    sims = np.asarray(vectors[1:]) @ np.asarray(vectors[0])
    best = int(np.argmax(sims))
    header, row, c = rows[best]
    column = next(i for i, h in enumerate(header) if i and _TIER_HEADER.search(h))
    if float(sims[best]) < MIN_SIMILARITY or not re.search(_TIER_WORDS[tier], row[column], re.I):
        return None
    return header, row, c


def render_precedent(header: list[str], row: list[str], c: Citation) -> str:
    cells = "; ".join(f"{h}: {v}" for h, v in zip(header, row, strict=True))
    return f"**Closest worked example** ({c.title or c.doc_id}): {cells} [{c.marker}]\n\n"


def _consequences(c: Citation) -> list[tuple[list[str], list[str]]]:
    """(header, row) of each row of a table whose first header is "Tier" (what each tier means at the site)."""
    return [(header, row) for header, rows in markdown_tables(c.text)
            if header and header[0].strip().lower() == "tier" and len(header) >= 2 for row in rows if len(row) == len(header)]


def consequences_source(retriever: Any, sources: list[Citation]) -> Citation | None:
    """The table of what each tier means at the site, searched when no shown source holds one."""
    return search_for(retriever, sources, "tier consequence review every months AIRB approval",
                      lambda c: bool(_consequences(c)))


def tier_consequence(sources: list[Citation], tier: str) -> str | None:
    """"**Minimal at <title>:** Standard controls; CL-004 every 12 months [n]", the decided tier's row; None without."""
    for c in sources:
        for header, row in _consequences(c):
            if re.search(_TIER_WORDS[tier], row[0], re.I):
                return f"**{row[0]}, {header[1][:1].lower() + header[1][1:]}:** {'; '.join(row[1:])} [{c.marker}]"
    return None
