"""Readiness scores per dimension (validated, with a keyword fallback), the ORI over known dimensions, and the
deterministic report pieces (streamed row by row)."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from copilot.types import Citation

DIMENSIONS: dict[str, tuple[str, float]] = {  # key -> (label, weight as in the readiness playbook PB-002)
    "strategy": ("Strategy and KPIs", 0.20),
    "data": ("Data", 0.20),
    "infrastructure": ("Infrastructure and MLOps", 0.15),
    "people": ("People and change", 0.15),
    "governance": ("Governance", 0.15),
    "measurement": ("Measurement", 0.15),
}

SCORE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"score": {"type": "integer", "enum": [1, 2, 3, 4, 5]}},
    "required": ["score"],
}
NEGATIVE = r"\b(no|none|not|lack\w*|without|missing|poor|unclear|ad hoc|never|only)\b|n't\b"

ROADMAP = {
    "strategy": ("Assess", "Head of AI CoE", "Tie each use case to one plant KPI with a sponsor and a quantified target", "100% of pilots with a KPI owner"),
    "data": ("Assess", "Data owner / OT engineer", "Inventory, clean and label the data the top use case needs; name data owners", "Data readiness checklist passed for the top use case"),
    "infrastructure": ("Align", "IT/OT architect", "Set up deployment, monitoring and a model registry for one line", "Model deployed with monitoring and rollback tested"),
    "people": ("Align", "Operations manager", "Train users, involve operators in design, appoint champions", "Adoption rate of AI recommendations >= 70%"),
    "governance": ("Align", "AI governance lead", "Risk-classify each use case, define sign-offs and human oversight", "Every use case classified and signed off before go-live"),
    "measurement": ("Advance", "Finance controller with the process owner", "Baseline the KPIs before go-live and review benefits quarterly", "Benefit review every quarter against the baseline"),
}


class DimensionScore(BaseModel):
    score: int = Field(ge=1, le=5)


def parse_score(raw: str, evidence: list[str]) -> tuple[int, str]:
    """The model's score for one dimension, or the keyword fallback (2 with a stated gap, else 3)."""
    try:
        return DimensionScore.model_validate(json.loads(raw)).score, "model"
    except (ValidationError, ValueError, TypeError):
        return fallback_score(evidence), "fallback"


def fallback_score(evidence: list[str]) -> int:
    return 2 if any(re.search(NEGATIVE, e.lower()) for e in evidence) else 3


def ori_over(scores: dict[str, int]) -> float | None:
    """Overall Readiness Index: weighted mean over the scored (known) dimensions, weights renormalised."""
    if not scores:
        return None
    total = sum(DIMENSIONS[k][1] for k in scores)
    return round(sum(s * DIMENSIONS[k][1] for k, s in scores.items()) / total, 2)


def stage_for(scores: dict[str, int]) -> tuple[str, float]:
    """ORI and the roadmap stage it puts the organisation in (weakest-link rule: any 1 keeps it in Assess)."""
    ori = ori_over(scores) or 0.0
    low = min(scores.values()) if scores else 0
    if ori < 2.0 or low <= 1:
        return "Assess", ori
    if ori < 3.0 or low < 3:
        return "Align", ori
    if ori < 4.0:
        return "Advance", ori
    return "Amplify", ori


def table_head() -> str:
    return "## AI readiness assessment\n\n| Dimension | Score | Evidence (your words) |\n|---|---|---|\n"


def row(key: str, score: int | None, evidence: str, question: str) -> str:
    label = DIMENSIONS[key][0]
    if score is None:
        return f"| {label} | unknown | Not in your description. {question} |\n"
    return f"| {label} | {score} | {evidence} |\n"


def summary(scores: dict[str, int], unknown: dict[str, str], methods: set[str],
            sources: list[Citation]) -> tuple[str, dict[str, Any]]:
    """Stage, ORI (over known dimensions, said so), gaps, roadmap and questions for the unknown dimensions."""
    cite = list(dict.fromkeys(c.marker for c in sources))[:3]
    ref = " " + "".join(f"[{m}]" for m in cite) if cite else ""
    known = [DIMENSIONS[k][0] for k in scores]
    lines = [""]
    if scores:
        stage, ori = stage_for(scores)
        over = ("all six dimensions" if not unknown else
                f"the {len(scores)} known dimensions only ({', '.join(known)}); "
                f"{', '.join(DIMENSIONS[k][0] for k in unknown)} unknown, not scored")
        lines.append(f"**Stage: {stage}{' (provisional)' if unknown else ''}** (Overall Readiness Index {ori:.2f} "
                     f"of 5 over {over}; scores by {'/'.join(sorted(methods)) or 'model'}){ref}")
    else:
        stage, ori = "not determined", None
        lines.append("**Stage: not determined.** The description gives no information on any dimension.")
    gaps = sorted(scores, key=lambda k: (scores[k], -DIMENSIONS[k][1]))[:3]
    roadmap = []
    if gaps:
        lines += ["", "**Top gaps:** " + ", ".join(f"{DIMENSIONS[g][0]} ({scores[g]})" for g in gaps), "", "**Roadmap:**"]
        for i, g in enumerate(gaps, start=1):
            phase, owner, action, kpi = ROADMAP[g]
            roadmap.append({"phase": phase, "dimension": DIMENSIONS[g][0], "action": action, "owner": owner, "kpi": kpi})
            lines.append(f"{i}. {phase}: {action}. Owner: {owner}. KPI: {kpi}.")
    if unknown:
        lines += ["", "**To score the unknown dimensions, please answer:**"]
        lines += [f"- {DIMENSIONS[k][0]}: {q}" for k, q in unknown.items()]
    lines += ["", "Publishing this report needs approval."]
    structured = {"scores": {k: scores.get(k) for k in DIMENSIONS}, "known": list(scores), "unknown": list(unknown),
                  "ori": ori, "ori_over": list(scores), "stage": stage, "gaps": [DIMENSIONS[g][0] for g in gaps],
                  "roadmap": roadmap, "method": "/".join(sorted(methods)) or "none"}
    return "\n".join(lines) + "\n", structured
