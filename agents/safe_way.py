"""After an escalation, what the site's own procedures require for the task, quoted with citations.

A request to skip a permit, work live or jumper a trip is escalated by the safety gate with a fixed
message. A technician then needs the safe way in the site's words: the permit, the isolation and its
verification, the waiting time, who must be there. The steps and rules of the retrieved procedures and
guides that share most words with the request are quoted verbatim, each cited; nothing is re-typed by a
model, so no figure can be wrong.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

from copilot.agents.base import AgentContext, AgentResult, say
from copilot.agents.jargon import expand_jargon, jargon_notes
from copilot.agents.lookup import find_rows, markdown_tables, render_rows
from copilot.agents.procedures import ITEM, stems, steps
from copilot.agents.reading_check import REVISIONS
from copilot.agents.safety import sanitize_context
from copilot.agents.shapes import split_asks
from copilot.identifiers import fault_codes
from copilot.types import Citation, Hit

HEADER = "\n\n**What the site procedures require instead:**\n"
# the safe way is in the site's procedures and guides, not in the records and tables naming the same equipment
FILTERS = {"doc_type": ["sop", "troubleshooting", "manual"]}
# the alarm table, where the row of an alarm the request names gives its documented fix ("clean lenses")
FAULT_ROWS = {"doc_type": "fault_codes"}
CANDIDATES = 16  # passages searched for the steps to quote (no model reads them, so no context budget)
MIN_SHARED = 2  # stems a quoted step must share with the request
KEEP_SHARE = 0.6
# a step that states a rule (an obligation, a prohibition, an isolation or test) outranks a symptom or a remedy
RULE = re.compile(r"\b(?:never|must|required?|requires|only|not|no one|permit|isolat\w*|lock\w*|LOTO|wait|verif\w*|"
                  r"test\w*|prove|attendant|watch|before)\b", re.I)
RULE_WEIGHT = 2.0
MAX_STEPS = 4


def requirements(sources: list[Citation], question: str, n: int = MAX_STEPS) -> list[tuple[str, int]]:
    """Up to ``n`` (step, marker) pairs, in source order: the steps sharing the most specific words with
    ``question`` (a word found in few steps weighs more), within ``KEEP_SHARE`` of the best step's score."""
    asked = stems(question)
    units = [(c.marker, i, step.lstrip("-* "), asked & stems(step)) for c in sources
             for i, step in enumerate([*steps(c.text, ITEM), *_table_rules(c.text)]) if 20 <= len(step) <= 400]
    df = Counter(w for *_rest, shared in units for w in shared)
    scored = [(sum(math.log(1 + len(units) / df[w]) for w in shared) + RULE_WEIGHT * bool(RULE.search(step)),
               marker, i, step)
              for marker, i, step, shared in units if len(shared) >= MIN_SHARED]
    if not scored:
        return []
    best = max(score for score, *_rest in scored)
    kept = sorted((s for s in scored if s[0] >= KEEP_SHARE * best), key=lambda s: (-s[0], s[1], s[2]))[:n]
    return [(step, marker) for _score, marker, _i, step in sorted(kept, key=lambda s: (s[1], s[2]))]


def _table_rules(text: str) -> list[str]:
    """Each body row of the text's tables as a rule in its own cells: "Hydrogen sulphide (H2S) - Acceptable for
    entry: below 5 ppm" (a limit table is a rule too; its header says what the cells are). A document's revision
    history is no rule."""
    return [f"{cells[0]} - " + "; ".join(f"{h}: {v}" for h, v in zip(header[1:], cells[1:], strict=False) if v)
            for header, rows in markdown_tables(text) if not REVISIONS.search(" ".join(header))
            for cells in rows if len(cells) >= 2 and len(header) >= 2]


def rule_sources(hits: list[Hit], question: str) -> list[Citation]:
    """The passages (whole) that hold the requirements to quote, numbered from 1."""
    cites = [Citation.from_chunk(i + 1, h.chunk) for i, h in enumerate(hits)]
    for c in cites:
        c.text = sanitize_context(c.text.strip())
    quoted = {marker for _step, marker in requirements(cites, expand_jargon(question))}
    kept = [c for c in cites if c.marker in quoted]
    for i, c in enumerate(kept, start=1):
        c.marker = i
    return kept


def safe_way(ctx: AgentContext, refusal: str) -> AgentResult:
    """The refusal, then the quoted requirements (none found: the refusal alone)."""
    found = requirements(ctx.sources, expand_jargon(ctx.original))  # "stretch the permit": how long one is valid
    rows = [r for code in fault_codes(ctx.original) for r in find_rows(ctx.sources, code) if r.keyed]
    if not found and not rows:
        return AgentResult(text=refusal, grounded=False)
    block = HEADER + "\n".join(f"- {step} [{marker}]" for step, marker in found) if found else ""
    if rows:  # "dropping out on E-244, can I jumper the curtain": the alarm's own row, its documented fix
        block += "\n\n**The alarm's own row:**\n\n" + render_rows(rows, ctx.sources)
    say(ctx, block)
    return AgentResult(text=refusal + block, grounded=True)


RULE_LEAD = "The site procedure decides this. In its own words:\n"


def rule_answer(sources: list[Citation], question: str, search: Callable[[str], list[Hit]] | None = None,
                whole: Callable[[str], str] | None = None) -> tuple[str, list[Citation]] | None:
    """"Can the shift sup just cut it off?", "do I need a hot work permit to grind a burr off the frame?": the
    rules that decide it, quoted from the one procedure section sharing the most words with the question (no
    model: given the hot work SOP's scope, the 1.5B model answered "No, you do not need a hot work permit", its
    next sentence listing grinding as hot work). ``question`` may carry the documents' words for slang
    ("cut it off (removal of an abandoned lock)"). A part no shown section answers ("... and do they need to be on a
    tripod?") is searched with ``search`` among the procedures (not their revision history); a quoted lead-in
    ("... within these limits:") brings the table after it, from the passage's ``whole`` text when the context budget
    trimmed it. Returns the text and the sources it searched and quotes (or showed whole); None when no procedure
    step shares enough words with the question."""
    noted = stems(" ".join(jargon_notes(question)))  # the documents' words for the slang
    procedures = [c for c in sources if c.doc_id.upper().startswith("SOP")]
    if not procedures:
        return None
    found: list[tuple[str, int]] = []
    added: list[Citation] = []
    parts = split_asks(question, yes_no=True)
    for part in parts:  # "do i need a permit and how long does the fire watch stay after": each part's rules
        asked = stems(part)
        named = [c for c in procedures if noted & stems(c.section)]  # the section the documents' words for the slang name
        # else the section of the best rule over all of them (a rare word like "H2S" weighs most)
        top = requirements(procedures, part, n=1) if not named else []
        best = next((c for c in procedures if top and c.marker == top[0][1]), None) or max(
            procedures, key=lambda c: len(asked & stems(f"{c.section} {c.text}")) + 3 * len(noted & stems(c.section)))
        got = requirements([best], part, n=3 if len(parts) == 1 else 2)
        if not got and search is not None and len(parts) > 1:
            marker = max(c.marker for c in [*sources, *added]) + 1
            shown = {c.chunk_id: c for c in [*sources, *added]}
            for c in (shown.get(h.chunk.id) or Citation.from_chunk(marker, h.chunk) for h in search(part)):
                if c.doc_id.upper().startswith("SOP") and not REVISIONS.search(c.section or "") and \
                        (got := requirements([c], part, n=2)):
                    added += [] if c.chunk_id in shown else [c]  # a shown passage keeps its own marker
                    break
        found += [f for f in got if f not in found]
    if not found:
        return None
    used = {marker for _step, marker in found}
    leads = {marker for step, marker in found if _lead_in(step)}  # only these need a passage's whole text
    texts = {c.marker: (whole(c.chunk_id) if whole else "") or c.text for c in [*sources, *added] if c.marker in leads}
    tables = [(step, marker, _table_after(step, texts[marker]) if marker in leads else "") for step, marker in found]
    # a source whose table is quoted from its whole text is shown whole (it replaces the trimmed one by marker)
    restored = [c.model_copy(update={"text": texts[c.marker]}) for c in sources
                if any(t and m == c.marker for _s, m, t in tables) and texts[c.marker] != c.text]
    return RULE_LEAD + "\n".join(f"- {step} [{marker}]{table}" for step, marker, table in tables), \
        [c for c in added if c.marker in used] + restored


def _lead_in(step: str) -> bool:
    """A step introducing what follows it ("... within these limits:", also when trimmed: "limits:...")."""
    return step.rstrip(". ").endswith(":")


def _table_after(step: str, text: str) -> str:
    """The table a lead-in step introduces ("6.4 Entry is allowed only when all readings are within these
    limits:"), as written right after it in ``text``; empty for any other step."""
    if not _lead_in(step):
        return ""
    lead = step.rstrip(". ")
    lines = text.splitlines()
    at = next((i for i, line in enumerate(lines) if line.strip() and lead.startswith(line.strip().rstrip(". "))), None)
    if at is None:
        return ""
    table = []
    for line in lines[at + 1:]:
        if line.lstrip().startswith("|"):
            table.append(line.strip())
        elif table or line.strip():
            break
    return "\n\n" + "\n".join(table) + "\n" if len(table) > 2 else ""
