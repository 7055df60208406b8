"""Which entry of a definitions table covers what the question describes: the row, quoted.

"Which NIST AI RMF function covers tracking incidents after deployment?" The shown obligations checklist has a
table of subcategories and what each means ("| MANAGE 4.1 | Post-deployment monitoring, user feedback, appeal and
override, incident response and change management are in place. |"). The 1.5B model answered with a source's
title. A question asking which code, item, level or subcategory covers, handles or is about something is a
reverse lookup: the table row (first cell a short code) whose other cells hold most of the described words
(weighted by how few rows hold them, at least :data:`MIN_SHARE`), and clearly more than any other row, answers it,
quoted. Otherwise the model answers as before.
"""

from __future__ import annotations

import math
import re

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.jargon import expand_jargon
from copilot.agents.lookup import markdown_tables
from copilot.types import Citation

ASKS = re.compile(r"\b(?:which|what)\s+(?:[\w-]+\s+){0,4}?(?:function|subcategory|category|code|item|level|control|"
                  r"question|requirement|step|stage|gate|tier|role)s?\s+(?:covers?|handles?|deals? with|is (?:about|for)|"
                  r"applies to|addresses|means?|asks? about|checks?)\s+(?P<what>.+)$", re.I)
MIN_SHARE = 0.5
MARGIN = 1.25  # the best row's weight over the second's
_CODE = re.compile(r"^[A-Z][A-Za-z]{0,8}[ -]?\d+(?:\.\d+)?[A-Za-z]?$")


# "I'm filing evidence for our ability to switch off a misbehaving model and for our incident handling. Which NIST
# subcategories does our checklist map those to?": the described things come first, the ask points back at them
ASKS_BACK = re.compile(r"(?:^|(?<=[.!?;:]))\s*(?:so\s+)?(?:which|what)\s+(?:[\w-]+\s+){0,5}?(?:functions?|subcategor(?:y|ies)|"
                       r"categor(?:y|ies)|codes?|items?|controls?|requirements?)\b[^.?!]*\b(?:those|these|that|this|them|"
                       r"it)\b[^.?!]*[?.!]?\s*$", re.I)
# "which NIST AI RMF subcategory our 'kill switch' requirement maps to": the described thing between the kind asked
# and "maps to"
ASKS_MAPS = re.compile(r"\b(?:which|what)\s+(?:[\w-]+\s+){0,4}?(?:function|subcategory|category|code|item|control|"
                       r"requirement)s?\s+(?:(?:does|do|is|are|would|will)\s+)?(?P<what>.+?)\s+(?:maps?|mapped|belongs?|"
                       r"falls?|fits?|comes?)\s+(?:to|under|in|into)\b", re.I)
_LEAD_IN = re.compile(r"^.*?\b(?:evidence|documentation|records?|proof)\s+(?:for|of|on)\s+", re.I)
_ITEM_SPLIT = re.compile(r"\s+and\s+(?=(?:for|on|of)\s)|;\s*", re.I)
Found = tuple[list[str], list[str], Citation]


def described_items(question: str) -> list[str]:
    """What the question asks the covering entry of: the words after "covers" ("which function covers X"), or the
    described things before an ask that points back at them ("... for X and for Y. Which subcategories map
    those?"), one per item."""
    q = question.strip()
    if m := ASKS.search(q.rstrip("?")) or ASKS_MAPS.search(q):
        return [expand_jargon(m["what"])]  # "kill switch" is written "override, disengage or switch off"
    m = ASKS_BACK.search(q)
    if m is None or not q[:m.start()].strip() or q[:m.start()].rstrip().endswith("?"):
        return []  # nothing described, or a question before the ask (not a description)
    described = _LEAD_IN.sub("", q[:m.start()].strip())
    return [re.sub(r"^(?:for|on|of)\s+", "", p.strip(" .,")) for p in _ITEM_SPLIT.split(described) if p.strip(" .,")]


def reverse_lookups(sources: list[Citation], question: str) -> list[Found]:
    """(header, row, source) of the definitions-table row covering each described item; [] when any item has none."""
    found = [covering_row(sources, item) for item in described_items(question)]
    if not found or not all(found):
        return []
    out: list[Found] = []
    for f in found:
        if f is not None and all(f[1] != o[1] for o in out):
            out.append(f)
    return out


def reverse_lookup(sources: list[Citation], question: str) -> Found | None:
    """(header, row, source) of the definitions-table row that covers what the question describes."""
    m = ASKS.search(question.strip().rstrip("?"))
    return covering_row(sources, m["what"]) if m else None


def covering_row(sources: list[Citation], described: str) -> Found | None:
    """(header, row, source) of the definitions-table row holding most of the ``described`` words (see module)."""
    wanted = content_terms(described)
    rows = [(header, row, c) for c in sources for header, body in markdown_tables(c.text) if len(header) >= 2
            for row in body if len(row) == len(header) and _CODE.match(row[0].strip(" *"))]
    if not rows or not wanted:
        return None
    held = [content_terms(" ".join(row[1:])) for _h, row, _c in rows]

    def weight(term: str) -> float:
        n = sum(bool(shared_terms({term}, h)) for h in held)
        return math.log((1 + len(held)) / n) if n else 0.0

    total = sum(weight(t) for t in wanted)
    if total <= 0:
        return None
    scored = sorted(((sum(weight(t) for t in shared_terms(wanted, h)), i) for i, h in enumerate(held)), reverse=True)
    best, i = scored[0]
    runner = scored[1][0] if len(scored) > 1 else 0.0
    if best / total < MIN_SHARE or best < MARGIN * runner:
        return None
    return rows[i]


def render_reverse(header: list[str], row: list[str], c: Citation) -> str:
    cells = "; ".join(f"{h}: {v}" for h, v in zip(header[1:], row[1:], strict=True))
    return f"**{row[0].strip(' *')}** ({c.title or c.doc_id}): {cells} [{c.marker}]"
