"""What has to be in place to leave one roadmap stage and start the next, quoted from the stages' own criteria.

"Marlow Bay wants to leave Align and start Advance next quarter. What has to be in place first?" The roadmap
playbook answers it in two sections, "3.4 Exit criteria (Align gate)" and "4.2 Entry criteria" (Advance); the 1.5B
model answered from the site's row of the current-position table instead. Here the stages are the sources' own
("2. Stage 1: Assess", "3. Stage 2: Align"): the stage the question leaves gets its exit criteria, the stage it
starts its entry criteria (and, when it names no stage to leave, the exit criteria of the stage those entry
criteria name: "Align gate passed"), each section quoted whole under its heading; sections not shown are searched.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.lookup import search_for
from copilot.types import Citation

ASKS = re.compile(r"\b(?:in place|criteria|prerequisites?|requirements?|need(?:s|ed)? to (?:have|do|show|be)|"
                  r"what (?:do|does|must|should) (?:we|they|i|it|the site|\w+ \w+) (?:need|have|show)|"
                  r"before (?:we|they|it|the site) (?:can|may)|what (?:has|needs|must) to (?:happen|be done)|ready to)\b",
                  re.I)
_LEAVE = r"\b(?:leave|leaving|exit(?:ing)?|out of|finish(?:ing)?|move (?:on )?from|moving (?:on )?from|pass(?:ing)? the)"
_ENTER = r"\b(?:start(?:ing)?|enter(?:ing)?|begin(?:ning)?|move (?:on )?(?:in)?to|moving (?:on )?(?:in)?to|get(?:ting)? to|" \
         r"go(?:ing)? (?:in)?to|progress(?:ing)? to|into)"
_STAGE = re.compile(r"^\d+\.\s*Stage \d+:\s*(?P<name>[\w-]+)", re.I)


def _criteria(c: Citation, stage: str, kind: str) -> bool:
    """Whether ``c`` is the ``kind`` ("Exit" or "Entry") criteria section of ``stage``."""
    m = _STAGE.match(c.section or "")
    return m is not None and m["name"].lower() == stage.lower() and \
        re.search(rf">\s*[\d.]*\s*{kind} criteria\b", c.section or "", re.I) is not None


def asked_moves(question: str) -> list[tuple[str, str]]:
    """[(stage word, "Exit" | "Entry")] the question asks the criteria of, in the order to meet them: "leave Align
    and start Advance" -> [("Align", "Exit"), ("Advance", "Entry")]. Any word may be a stage here; only a source
    section "Stage n: <word> > Exit/Entry criteria" makes it one."""
    if not ASKS.search(question):
        return []
    found = [(m["s"], kind) for pattern, kind in ((_LEAVE, "Exit"), (_ENTER, "Entry"))
             if (m := re.search(rf"{pattern}\s+(?:the\s+)?(?P<s>[A-Za-z][\w-]+)\b", question, re.I))]
    return found


def _find(retriever: Any, shown: list[Citation], stage: str, kind: str) -> Citation | None:
    """The shown criteria section of ``stage``, else the one the search finds (numbered after the shown ones)."""
    return next((c for c in shown if _criteria(c, stage, kind)), None) or search_for(
        retriever, shown, f"Stage {stage} {kind.lower()} criteria", lambda c: _criteria(c, stage, kind), k=8)


_PASSED = re.compile(r"\b(?P<s>[A-Z][\w-]+) gate passed\b")


def stage_criteria(retriever: Any, sources: list[Citation], question: str) -> tuple[str, list[Citation]] | None:
    """(the criteria sections quoted, the sources found for them) for a question asking what is needed to leave or
    start a roadmap stage; None when it asks neither or a section is not found."""
    moves = asked_moves(question)
    if not moves:
        return None
    shown = list(sources)
    parts: list[tuple[str, str, Citation]] = []
    for stage, kind in moves:
        c = _find(retriever, shown, stage, kind)
        if c is None:
            return None
        shown += [c] if c not in shown else []
        parts.append((_STAGE.match(c.section or "")["name"], kind, c))  # type: ignore[index]
    gate = _PASSED.search(parts[-1][2].text) if [k for _s, k, _c in parts] == ["Entry"] else None
    if gate is not None and (before := _find(retriever, shown, gate["s"], "Exit")) is not None:
        shown += [before] if before not in shown else []  # "Align gate passed": Align's exit criteria come first
        parts.insert(0, (gate["s"], "Exit", before))
    text = "\n\n".join(f"**To {'leave' if kind == 'Exit' else 'start'} {stage}** ({c.title or c.doc_id}, "
                        f"{(c.section or '').split('>')[-1].strip()}) [{c.marker}]:\n{c.text.strip()}"
                        for stage, kind, c in parts)
    return text, [c for c in shown if c not in sources]
