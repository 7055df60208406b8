"""After a fault code's row: the guide's checks for that code and the site's past jobs naming it, quoted.

The alarm table row gives a code's meaning, causes and first response in one line ("IR test cable and motor
separately"). The equipment guides have a section per code ("### Low insulation resistance or ground fault
(E-106)") with the checks in order and their figures (500 V DC, 5 MΩ, the job that found cable damage), and the
maintenance history has the jobs that met the code before. A technician asking "E-106 came straight back, what
now" needs both; the 1.5B model, asked to combine them, dropped or mixed the figures. Both are quoted verbatim.
"""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.lookup import is_event_record, sheet_fields
from copilot.agents.procedures import STEP, stems, steps
from copilot.agents.safety import without_instructions
from copilot.identifiers import FAULT_CODE, asset_tag_candidates
from copilot.types import Citation

GUIDE_TYPES = ("troubleshooting", "manual")
CANDIDATES = 10
SYMPTOM_CANDIDATES = 20  # a symptom's section can rank below the guide's scope and tables
MAX_RECORDS = 2


def _names(section: str, code: str) -> bool:
    """The section heading (its last part) names the code: "High vibration (E-204, E-207)"."""
    return bool(re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", (section or "").split(">")[-1]))


def _search(retriever: Any, query: str, k: int, filters: dict[str, Any] | None = None) -> list[Any]:
    if retriever is None:
        return []
    try:
        return list(retriever.search(query, k=k, filters=filters))
    except Exception:  # noqa: BLE001 - the answer goes on without the extra block
        return []


def _numbered(sources: list[Citation], chunk: Any) -> Citation:
    """The shown source holding ``chunk`` (its marker kept, its text made whole), else a new numbered source."""
    shown = next((c for c in sources if c.chunk_id == chunk.id), None)
    marker = shown.marker if shown is not None else max((c.marker for c in sources), default=0) + 1
    cite = Citation.from_chunk(marker, chunk)
    cite.text = without_instructions(cite.text)  # quoted verbatim: an injected line never is
    return cite


def guide_checks(retriever: Any, sources: list[Citation], code: str) -> tuple[Citation, list[str]] | None:
    """The guide passage whose heading names ``code``, with its numbered steps; None without one."""
    for h in _search(retriever, f"{code} troubleshooting checks", CANDIDATES, {"doc_type": list(GUIDE_TYPES)}):
        found = steps(without_instructions(h.chunk.text), STEP)
        if _names(h.chunk.section, code) and len(found) >= 2:
            return _numbered(sources, h.chunk), found
    return None


# words of a symptom heading that say nothing about the symptom itself
_PLAIN = frozenset(stems("high low or and the on when to of in a is"))
# words of a heading that name equipment or a part, not what is wrong with it
_EQUIPMENT = frozenset(stems("belt belts pump pumps motor motors gearbox bearing bearings seal press ram idler idlers "
                             "pulley chute filter valve fan cooler compressor conveyor splice guard drive"))


def _covers(retriever: Any, doc_id: str, tags: list[str]) -> bool:
    """The guide ``doc_id`` names one of the question's asset tags (in its scope or anywhere)."""
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(t)}(?![\w-])" for t in tags))
    return any(pattern.search(h.chunk.text) for t in tags for h in _search(retriever, t, 4, {"doc_id": doc_id}))


def symptom_checks(retriever: Any, sources: list[Citation], question: str) -> tuple[Citation, list[str]] | None:
    """For a symptom named without a code ("P-101 is cavitating", "belt slipping on CV-401"): the guide section whose
    heading names the symptom (at least half of the heading's own words are the question's, and one of them is not a
    plain word like "high"), in a guide covering the question's asset, with its numbered steps; None when no heading
    names it, or two guides' headings name it equally."""
    asked = stems(FAULT_CODE.sub(" ", question))
    tags = asset_tag_candidates(question)
    found: list[tuple[tuple[float, int], Any, list[str]]] = []
    covered: dict[str, bool] = {}
    for h in _search(retriever, question, SYMPTOM_CANDIDATES, {"doc_type": list(GUIDE_TYPES)}):
        if tags and not covered.setdefault(h.chunk.doc_id, _covers(retriever, h.chunk.doc_id, tags)):
            continue  # a heading naming the symptom for other equipment ("Seal leaking" of the pumps, for GB-401)
        heading = (h.chunk.section or "").split(">")[-1]
        words = stems(re.sub(r"\([^)]*\)", " ", heading)) - _PLAIN
        shared = {w for w in words if w in asked or any(min(len(a), len(w)) >= 4 and (a.startswith(w) or w.startswith(a))
                                                       for a in asked)}  # "leaking" names "leak"
        checks = steps(without_instructions(h.chunk.text), STEP)
        # "Belt slip" is not named by "belt" alone (the equipment, not the symptom)
        if shared - _EQUIPMENT and 2 * len(shared) >= len(words) and len(checks) >= 2:
            found.append(((len(shared) / len(words), len(shared)), h.chunk, checks))
    if not found:
        return None
    best = max(score for score, _c, _s in found)
    top = sorted(((chunk, checks) for score, chunk, checks in found if score == best), key=lambda t: t[0].id)
    if len({(chunk.doc_id, chunk.section) for chunk, _ in top}) > 1:
        return None  # two sections name it equally
    cite = _numbered(sources, top[0][0])  # a section cut into chunks ("...#belt-runs-off#1", "#2"): all its steps
    cite.text = "\n".join(dict.fromkeys(without_instructions(chunk.text) for chunk, _ in top))
    return cite, list(dict.fromkeys(step for _chunk, checks in top for step in checks))


def render_checks(cite: Citation, checks: list[str], subject: str) -> str:
    """"**Checks in the guide for <subject>** (title, heading) [n]:" and the steps, as written."""
    heading = (cite.section or "").split(">")[-1].strip()
    return f"**Checks in the guide for {subject}** ({cite.title}, {heading}) [{cite.marker}]:\n" + "\n".join(checks)


def _when(c: Citation) -> str:
    return next((v for col, v in sheet_fields(c.text) if col.lower() == "date"), "")


def code_records(retriever: Any, sources: list[Citation], code: str, limit: int = MAX_RECORDS) -> list[Citation]:
    """The latest maintenance records whose text names ``code`` (newest first)."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])")
    records, taken = [], set()
    for h in _search(retriever, code, CANDIDATES):
        cite = Citation.from_chunk(0, h.chunk)
        if h.chunk.row is not None and is_event_record(cite) and pattern.search(h.chunk.text) and h.chunk.id not in taken:
            records.append(h.chunk)
            taken.add(h.chunk.id)
    records.sort(key=lambda chunk: _when(Citation.from_chunk(0, chunk)), reverse=True)
    out: list[Citation] = []
    for chunk in records[:limit]:
        out.append(_numbered([*sources, *out], chunk))
    return out
