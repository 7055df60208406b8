"""Maintenance troubleshooter: ranked causes, checks in a safe order, LOTO always, work-order proposals."""

from __future__ import annotations

import re
from typing import Any

from agents.base import AgentContext, AgentResult, grounded_messages, say, stream_answer
from agents.prompts.maintenance import INSTRUCTIONS
from copilot.retrieval.base import Filters
from copilot.types import Citation

ASSET_TAG = re.compile(r"\b(?:[A-Z]{1,4}-\d{2,5}[A-Z]?|VFD-\d{2,4})\b")
WANTS_WORK_ORDER = re.compile(
    r"\b(work[- ]?order|\bWO\b|ticket|job card|raise (?:a|an) (?:job|request)|create (?:a|an) (?:job|order))", re.I
)
HANDS_ON = re.compile(
    r"\b(replace|replacing|change out|dismantl\w*|disassembl\w*|open(?:ing)? the|remov\w+|realign\w*|align\w*|"
    r"tighten\w*|repair\w*|inspect\w*|lubricat\w*|grease|bearing|seal|impeller|coupling|gasket|wiring|terminal|"
    r"megger|insulation resistance|strainer|leak\w*|vibrat\w*|overheat\w*|noisy|noise|tripp\w*)\b",
    re.I,
)
LOTO = re.compile(r"\b(LOTO|lock[- ]?out|tag[- ]?out|isolation|isolate|permit to work|zero energy)\b", re.I)
PARTS = re.compile(
    r"\b(mechanical seal|bearings?|impeller|coupling(?: insert)?|gaskets?|wear rings?|strainer|filter|fuse|"
    r"contactor|cooling fan|v-belts?|belts?|o-rings?|shaft sleeve)\b",
    re.I,
)
EMERGENCY = re.compile(r"\b(fire|smoke|smoking|injur\w*|explosion|burning smell)\b", re.I)
HIGH = re.compile(r"\b(trip\w*|leak\w*|seized|overheat\w*|no flow|high alarm|cavitat\w*|shut ?down)\b", re.I)


def detect_assets(text: str) -> list[str]:
    """Asset tags such as P-101, M-201 or VFD-102, in order of appearance."""
    seen: list[str] = []
    for tag in ASSET_TAG.findall(text):
        if tag not in seen:
            seen.append(tag)
    return seen


def priority_for(text: str) -> str:
    if EMERGENCY.search(text):
        return "emergency"
    if HIGH.search(text):
        return "high"
    return "medium"


_LIST_ITEM = re.compile(r"^\s*(?:\d+[.)]|[-*])\s+(.*\S)")
_SECTION = re.compile(r"^(?:\*\*)?(?:most )?(?:likely causes|possible causes|causes|checks(?: in a safe order)?|"
                      r"safe checks|next steps|steps)\b", re.I)


def _steps_from(answer: str) -> list[str]:
    """Work-order steps: the list items under the answer's checks section (all items when it has no
    sections). Section headings ("1. Likely causes, most likely first ...") and causes are not steps."""
    items: list[tuple[str, str]] = []
    section = ""
    for line in answer.splitlines():
        m = _LIST_ITEM.match(line)
        text = re.sub(r"\s*\[\d+(?:,\s*\d+)*\]", "", m.group(1) if m else line).strip().strip("*").strip()
        if _SECTION.match(text) or (text.endswith(":") and len(text) < 80):
            section = text.lower()
            continue
        if m and 8 <= len(text) <= 300:
            items.append((section, text))
    checks = [t for sec, t in items if "check" in sec or "step" in sec]
    steps = checks if checks else [t for sec, t in items if "cause" not in sec]
    return steps[:8]


class MaintenanceAgent:
    name = "maintenance"
    needs_retrieval = True
    uses_tables = True

    def filters(self, question: str) -> Filters | None:
        return {"doc_type": ["manual", "sop", "fault_codes", "work_orders", "fmea", "troubleshooting"]}

    def extra_queries(self, question: str) -> list[tuple[str, Filters | None]]:
        """Always fetch the isolation / LOTO procedure too, so the safety block can cite it."""
        return [("lockout tagout isolation procedure zero energy verification", {"doc_type": "sop"})]

    def run(self, ctx: AgentContext) -> AgentResult:
        raw, timings = stream_answer(ctx, grounded_messages(INSTRUCTIONS, ctx))
        text = raw.strip()
        hands_on = bool(HANDS_ON.search(ctx.question) or HANDS_ON.search(text))
        wants_wo = bool(WANTS_WORK_ORDER.search(ctx.original))
        safety = self._safety_requirements(ctx.sources)
        if hands_on or wants_wo:
            block = "\n\n**Safety before hands-on work:** " + "; ".join(safety) + "."
            say(ctx, block)
            text += block
        proposal = None
        assets = detect_assets(ctx.original) or detect_assets(ctx.question)
        if wants_wo or (hands_on and assets):
            proposal = self._work_order(ctx, text, assets, safety)
        return AgentResult(text=text, model_text=raw, proposal=proposal, timings=timings, model_called=True,
                           structured={"assets": assets, "hands_on": hands_on})

    @staticmethod
    def _loto_source(sources: list[Citation]) -> Citation | None:
        for c in sources:
            if LOTO.search(f"{c.title} {c.section}"):
                return c
        for c in sources:
            if LOTO.search(c.text):
                return c
        return None

    def _safety_requirements(self, sources: list[Citation]) -> list[str]:
        loto = self._loto_source(sources)
        ref = f" [{loto.marker}]" if loto else ""
        return [
            f"Isolate the equipment and apply lockout/tagout (LOTO) per the site LOTO procedure{ref}",
            "verify zero energy (electrical, mechanical, pressure, thermal) before touching anything",
            "obtain the required permit to work and wear the specified PPE",
        ]

    def _work_order(self, ctx: AgentContext, answer: str, assets: list[str], safety: list[str]) -> dict[str, Any]:
        asset = assets[0] if assets else "UNSPECIFIED"
        text = f"{ctx.original}\n{answer}"
        parts = sorted({p.lower() for p in PARTS.findall(text)})
        steps = ["Obtain the permit to work; isolate, lock out and verify zero energy"]
        steps += _steps_from(answer) or ["Inspect and diagnose per the troubleshooting guide"]
        steps.append("Remove locks per the LOTO procedure, test run and record the findings")
        payload = {
            "asset": asset,
            "priority": priority_for(ctx.original),
            "problem": ctx.original.strip()[:1000],
            "steps": steps,
            "parts": parts,
            "safety_requirements": [re.sub(r"\s*\[\d+\]", "", s) for s in safety],
            "estimated_duration_h": float(min(8, 2 + len(parts))),
            "sources": [f"{c.title} ({c.section})" if c.section else c.title for c in ctx.sources[:4]],
        }
        summary = f"Work order for {asset} ({payload['priority']} priority): {ctx.original.strip()[:120]}"
        return {"kind": "work_order", "payload": payload, "summary": summary}
