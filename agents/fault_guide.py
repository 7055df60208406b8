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
from copilot.agents.procedures import STEP, is_procedure, stems, steps
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
# words of a question that only place or order things ("6mm over 10 mins" names no "overheating")
_ASKED_PLAIN = frozenset(stems("over under down into onto after first look"))
# words of a heading that name equipment or a part, not what is wrong with it
_EQUIPMENT = frozenset(stems("belt belts pump pumps motor motors gearbox bearing bearings seal press ram idler idlers "
                             "pulley chute filter valve fan cooler compressor conveyor splice guard drive water")) | {"oil", "air"}


def _covers(retriever: Any, doc_id: str, tags: list[str]) -> bool:
    """The guide ``doc_id`` names one of the question's asset tags (in its scope or anywhere)."""
    pattern = re.compile("|".join(rf"(?<![\w-]){re.escape(t)}(?![\w-])" for t in tags))
    return any(pattern.search(h.chunk.text) for t in tags for h in _search(retriever, t, 4, {"doc_id": doc_id}))


_SUFFIX = re.compile(r"(?<=\w{3})(?:ning|ing|ed|es|s)$")  # "running" and "runs" both name "run"


def _symptom_stems(text: str) -> set[str]:
    """:func:`stems` of the words without a verb's ending, three-letter ones kept: "belt keeps running off" names
    "Belt runs off"."""
    roots = [_SUFFIX.sub("", w) for w in re.findall(r"[a-z]+", text.lower())]
    return stems(" ".join(roots)) | {w for w in roots if len(w) == 3 and w not in _SHORT_PLAIN}


_SHORT_PLAIN = frozenset("the and for are was can did has had not but you our any all how who why its one two".split())


def symptom_checks(retriever: Any, sources: list[Citation], question: str) -> tuple[Citation, list[str]] | None:
    """For a symptom named without a code ("P-101 is cavitating", "belt slipping on CV-401"): the guide section whose
    heading names the symptom (at least half of the heading's own words are the question's, and one of them is not a
    plain word like "high"), in a guide covering the question's asset, with its numbered steps; None when no heading
    names it, or two guides' headings name it equally."""
    asked = _symptom_stems(FAULT_CODE.sub(" ", question)) - _ASKED_PLAIN
    tags = asset_tag_candidates(question)
    found: list[tuple[tuple[float, int], Any, list[str]]] = []
    covered: dict[str, bool] = {}
    for h in _search(retriever, question, SYMPTOM_CANDIDATES, {"doc_type": list(GUIDE_TYPES)}):
        if tags and not covered.setdefault(h.chunk.doc_id, _covers(retriever, h.chunk.doc_id, tags)):
            continue  # a heading naming the symptom for other equipment ("Seal leaking" of the pumps, for GB-401)
        heading = (h.chunk.section or "").split(">")[-1]
        words = _symptom_stems(re.sub(r"\([^)]*\)", " ", heading)) - _PLAIN
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


# "how do i make the press safe", "isolate the gearbox before I open it": the asset's own isolation sequence
ASKS_ISOLATION = re.compile(r"\bisolat\w*|\block(?:ing)? ?out\b|\bloto\b|\bmake\s+(?:\w+\s+){0,3}safe\b|"
                            r"\bsafe\s+to\s+(?:work|swap|open|change|enter|take)|\bstored energy\b", re.I)


def isolation_sequence(retriever: Any, sources: list[Citation], question: str) -> Citation | None:
    """The numbered isolation sequence of the guide covering the question's asset ("Isolate all of them under
    SOP-LOTO-001: 1. Lower the ram ... 2. Stop the pump and lock M-501's isolator ..."): the machine's own stored
    energies, before the site's general LOTO steps. None when the question asks no isolation, names no asset, or
    no guide covering the asset has such a sequence."""
    tags = asset_tag_candidates(question)
    if not tags or not ASKS_ISOLATION.search(question):
        return None
    covered: dict[str, bool] = {}
    for h in _search(retriever, f"isolate all stored energy {' '.join(tags)}", SYMPTOM_CANDIDATES,
                     {"doc_type": list(GUIDE_TYPES)}):
        cite = Citation.from_chunk(0, h.chunk)
        if not is_procedure(cite) or len(steps(h.chunk.text)) < 3:
            continue
        if covered.setdefault(h.chunk.doc_id, _covers(retriever, h.chunk.doc_id, tags)):
            return _numbered(sources, h.chunk)
    return None


_ISOLATION_NOTE = re.compile(r"\bisolat\w*\b[^\n]{0,120}\b(?:before|under SOP)|\bblock the \w+ against\b", re.I)


def isolation_notes(retriever: Any, sources: list[Citation], question: str) -> tuple[Citation, list[str]] | None:
    """The lines of the guide covering the question's asset that say what to isolate before which work ("Isolate the
    drive motor under SOP-LOTO-001 before opening inspection covers"), as written; None without them."""
    tags = asset_tag_candidates(question)
    if not tags or not ASKS_ISOLATION.search(question):
        return None
    covered: dict[str, bool] = {}
    for h in _search(retriever, f"safety isolate before work {' '.join(tags)}", SYMPTOM_CANDIDATES,
                     {"doc_type": list(GUIDE_TYPES)}):
        lines = [ln.strip(" -*") for ln in re.split(r"\n(?=\s*[-*\d])", h.chunk.text) if _ISOLATION_NOTE.search(ln)
                 and (not (named := asset_tag_candidates(ln)) or set(named) & set(tags))]  # not GB-402's backstop
        if lines and covered.setdefault(h.chunk.doc_id, _covers(retriever, h.chunk.doc_id, tags)):
            return _numbered(sources, h.chunk), [re.sub(r"\s+", " ", ln) for ln in lines]
    return None


def site_lockout(retriever: Any, sources: list[Citation]) -> Citation | None:
    """The site LOTO procedure's lockout steps (the SOP section with the most numbered steps)."""
    found = [h.chunk for h in _search(retriever, "lockout procedure isolate lock and tag verify zero energy", 10,
                                      {"doc_type": "sop"})
             if is_procedure(Citation.from_chunk(0, h.chunk)) and re.search(r"lock ?out|isolation", h.chunk.section, re.I)]
    best = max(found, key=lambda c: len(steps(c.text)), default=None)
    if best is None or len(steps(best.text)) < 3:
        return None
    cite = _numbered(sources, best)  # the section cut into chunks ("#5-lockout-procedure#1", "#2"): all its steps
    cite.text = "\n".join(without_instructions(c.text) for c in _whole_section(retriever, best))
    return cite


def _whole_section(retriever: Any, chunk: Any, limit: int = 8) -> list[Any]:
    """Every chunk of ``chunk``'s section, in order (ids "<doc>#<section>#<n>"); ``[chunk]`` when they cannot be read."""
    base, _sep, n = chunk.id.rpartition("#")
    if not base or not n.isdigit() or not hasattr(retriever, "get_chunk"):
        return [chunk]
    out = []
    for i in range(1, limit + 1):
        try:
            out.append(retriever.get_chunk(f"{base}#{i}"))
        except Exception:  # noqa: BLE001 - past the section's last chunk
            break
    return out or [chunk]


def render_isolation_notes(cite: Citation, lines: list[str]) -> str:
    """"**What the guide says to isolate** (title, heading) [n]:" and its lines, as written."""
    heading = (cite.section or "").split(">")[-1].strip()
    return f"**What the guide says to isolate** ({cite.title}, {heading}) [{cite.marker}]:\n" + \
        "\n".join(f"- {line}" for line in lines)
