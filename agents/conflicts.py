"""Sources that disagree on a figure the answer uses: say so, and name the document that governs.

Two lines from different documents talk about the same thing when they share several content
words; they disagree when each gives a figure with the same unit and the values differ (a 5 min
wait against a 15 min wait). The governing document is decided by rule: a site procedure (SOP)
over a manual, a manual over a fault table, any of these over a checklist or playbook; then the
higher revision.
"""

from __future__ import annotations

import re

from copilot.agents.figures import extract
from copilot.identifiers import identifiers
from copilot.types import Citation, SourceConflict

_WORD = re.compile(r"[a-z]{4,}")
_STOP = frozenset("""this that with from must have been will when where which their there than then they them
    into only also each every after before about under over shall should other these those while""".split())
# document id prefix -> precedence (higher governs) and what it is
_PRECEDENCE = [("SOP", 50, "a site procedure (SOP)"), ("TG", 40, "an equipment manual"),
               ("FC", 35, "the fault code table"), ("CL", 20, "a checklist"), ("PB", 10, "a playbook")]


def _rank(doc_id: str) -> tuple[int, str]:
    for prefix, rank, what in _PRECEDENCE:
        if doc_id.upper().startswith(prefix):
            return rank, what
    return 0, "a document"


def _lines(c: Citation) -> list[tuple[set[str], set[str], dict[str, tuple[str, str]]]]:
    """(content words, identifiers, unit -> (value, as written)) per line or sentence with a figure."""
    out = []
    for line in re.split(r"\n|(?<=[.;])\s+", c.text):
        figs = {f.unit: (f.value, f.raw) for f in extract(line, min_bare=0) if f.kind == "number" and f.unit}
        if figs:
            out.append((set(_WORD.findall(line.lower())) - _STOP, set(identifiers(line)), figs))
    return out


def _same_topic(a: tuple, b: tuple, min_shared: int) -> set[str]:
    """Shared words when two lines are about the same thing (and not about different tags), else empty."""
    (words_a, ids_a, _), (words_b, ids_b, _) = a, b
    if ids_a and ids_b and not ids_a & ids_b:
        return set()
    shared = words_a & words_b
    small = min(len(words_a), len(words_b)) or 1
    return shared if len(shared) >= min_shared and len(shared) / small >= 0.4 else set()


def find_conflicts(answer: str, sources: list[Citation], min_shared: int = 4) -> list[SourceConflict]:
    """Disagreements between shown sources of different documents on a figure that ``answer`` uses."""
    used = {(f.value, f.unit) for f in extract(answer, min_bare=0) if f.kind == "number"}
    if not used:
        return []
    found: dict[tuple[str, str], SourceConflict] = {}
    for i, a in enumerate(sources):
        for b in sources[i + 1:]:
            if a.doc_id == b.doc_id:
                continue
            for line_a in _lines(a):
                for line_b in _lines(b):
                    shared = _same_topic(line_a, line_b, min_shared)
                    if not shared:
                        continue
                    figs_a, figs_b = line_a[2], line_b[2]
                    for unit in figs_a.keys() & figs_b.keys():
                        (va, ra), (vb, rb) = figs_a[unit], figs_b[unit]
                        if va == vb or ((va, unit) not in used and (vb, unit) not in used):
                            continue
                        gov, why = _governing(a, b)
                        key = tuple(sorted((a.doc_id, b.doc_id)))
                        found.setdefault(key, SourceConflict(
                            topic=" ".join(sorted(shared)[:5]), values={a.doc_id: ra, b.doc_id: rb},
                            governing=gov.doc_id, reason=why))
    return list(found.values())


def _governing(a: Citation, b: Citation) -> tuple[Citation, str]:
    (ra, wa), (rb, wb) = _rank(a.doc_id), _rank(b.doc_id)
    if ra != rb:
        return (a, f"{wa} takes precedence over {wb}") if ra > rb else (b, f"{wb} takes precedence over {wa}")
    rev_a, rev_b = (a.revision or ""), (b.revision or "")
    if rev_a != rev_b:
        return (a, "higher revision") if rev_a > rev_b else (b, "higher revision")
    return a, "first cited; check with the document owners"


def render_conflicts(conflicts: list[SourceConflict]) -> str:
    lines = []
    for c in conflicts:
        says = "; ".join(f"{doc} says {value}" for doc, value in c.values.items())
        lines.append(f"Note: the sources disagree ({c.topic}): {says}. {c.governing} governs ({c.reason}).")
    return "\n\n" + "\n".join(lines)
