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

from copilot.agents.base import AgentContext, AgentResult, say
from copilot.agents.jargon import expand_jargon, jargon_notes
from copilot.agents.lookup import find_rows, render_rows
from copilot.agents.procedures import ITEM, stems, steps
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
             for i, step in enumerate(steps(c.text, ITEM)) if 20 <= len(step) <= 400]
    df = Counter(w for *_rest, shared in units for w in shared)
    scored = [(sum(math.log(1 + len(units) / df[w]) for w in shared) + RULE_WEIGHT * bool(RULE.search(step)),
               marker, i, step)
              for marker, i, step, shared in units if len(shared) >= MIN_SHARED]
    if not scored:
        return []
    best = max(score for score, *_rest in scored)
    kept = sorted((s for s in scored if s[0] >= KEEP_SHARE * best), key=lambda s: (-s[0], s[1], s[2]))[:n]
    return [(step, marker) for _score, marker, _i, step in sorted(kept, key=lambda s: (s[1], s[2]))]


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


def rule_answer(sources: list[Citation], question: str) -> str | None:
    """"Can the shift sup just cut it off?", "do I need a hot work permit to grind a burr off the frame?": the
    rules that decide it, quoted from the one procedure section sharing the most words with the question (no
    model: given the hot work SOP's scope, the 1.5B model answered "No, you do not need a hot work permit", its
    next sentence listing grinding as hot work). ``question`` may carry the documents' words for slang
    ("cut it off (removal of an abandoned lock)"). None when no procedure step shares enough words with it."""
    noted = stems(" ".join(jargon_notes(question)))  # the documents' words for the slang
    procedures = [c for c in sources if c.doc_id.upper().startswith("SOP")]
    if not procedures:
        return None
    found: list[tuple[str, int]] = []
    parts = split_asks(question, yes_no=True)
    for part in parts:  # "do i need a permit and how long does the fire watch stay after": each part's rules
        asked = stems(part)
        best = max(procedures, key=lambda c: len(asked & stems(f"{c.section} {c.text}")) + 3 * len(noted & stems(c.section)))
        found += [f for f in requirements([best], part, n=3 if len(parts) == 1 else 2) if f not in found]
    if not found:
        return None
    return RULE_LEAD + "\n".join(f"- {step} [{marker}]" for step, marker in found)
