"""Readiness scoring schema, validation with a fallback, and the deterministic report composer."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from copilot.types import Citation

DIMENSIONS: dict[str, tuple[str, float]] = {  # key -> (label, weight as in the readiness playbook)
    "strategy": ("Strategy and KPIs", 0.20),
    "data": ("Data", 0.20),
    "infrastructure": ("Infrastructure and MLOps", 0.15),
    "people": ("People and change", 0.15),
    "governance": ("Governance", 0.15),
    "measurement": ("Measurement", 0.15),
}

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **{f"{k}_score": {"type": "integer", "enum": [1, 2, 3, 4, 5]} for k in DIMENSIONS},
        **{f"{k}_evidence": {"type": "string", "maxLength": 160} for k in DIMENSIONS},
    },
    "required": [f"{k}_{s}" for k in DIMENSIONS for s in ("score", "evidence")],
}


class Scores(BaseModel):
    strategy_score: int = Field(ge=1, le=5)
    data_score: int = Field(ge=1, le=5)
    infrastructure_score: int = Field(ge=1, le=5)
    people_score: int = Field(ge=1, le=5)
    governance_score: int = Field(ge=1, le=5)
    measurement_score: int = Field(ge=1, le=5)
    strategy_evidence: str = ""
    data_evidence: str = ""
    infrastructure_evidence: str = ""
    people_evidence: str = ""
    governance_evidence: str = ""
    measurement_evidence: str = ""


KEYWORDS = {
    "strategy": r"kpi|sponsor|target|business case|strategy|roadmap|oee",
    "data": r"data|historian|sensor|label|cmms|quality",
    "infrastructure": r"mlops|cloud|edge|deploy|monitor|registry|pipeline|network",
    "people": r"train|skill|operator|change|champion|literacy",
    "governance": r"governance|risk|policy|review board|approval|oversight|ai act",
    "measurement": r"baseline|roi|measure|value|benefit|adoption",
}
NEGATIVE = r"\b(no|none|not|lack\w*|without|missing|poor|unclear|ad hoc)\b"

ROADMAP = {
    "strategy": ("Assess", "Head of AI CoE", "Tie each use case to one plant KPI with a sponsor and a quantified target", "100% of pilots with a KPI owner"),
    "data": ("Assess", "Data owner / OT engineer", "Inventory, clean and label the data the top use case needs; name data owners", "Data readiness checklist passed for the top use case"),
    "infrastructure": ("Align", "IT/OT architect", "Set up deployment, monitoring and a model registry for one line", "Model deployed with monitoring and rollback tested"),
    "people": ("Align", "Operations manager", "Train users, involve operators in design, appoint champions", "Adoption rate of AI recommendations >= 70%"),
    "governance": ("Align", "AI governance lead", "Risk-classify each use case, define sign-offs and human oversight", "Every use case classified and signed off before go-live"),
    "measurement": ("Advance", "Finance controller with the process owner", "Baseline the KPIs before go-live and review benefits quarterly", "Benefit review every quarter against the baseline"),
}


def parse_scores(raw: str, description: str) -> tuple[Scores, str]:
    """Validate the model's JSON; on invalid output fall back to keyword evidence. Returns (scores, method)."""
    try:
        return Scores.model_validate(json.loads(raw)), "model"
    except (ValidationError, ValueError, TypeError):
        return fallback_scores(description), "fallback"


def fallback_scores(description: str) -> Scores:
    """Keyword scoring: 1 when a dimension is not mentioned, 2 when mentioned with a gap, else 3."""
    low = description.lower()
    data: dict[str, Any] = {}
    for key, pattern in KEYWORDS.items():
        sentences = [s for s in re.split(r"(?<=[.!?;])\s+|\n", low) if re.search(pattern, s)]
        if not sentences:
            data[f"{key}_score"], data[f"{key}_evidence"] = 1, "not mentioned"
        else:
            gap = any(re.search(NEGATIVE, s) for s in sentences)
            data[f"{key}_score"] = 2 if gap else 3
            data[f"{key}_evidence"] = sentences[0][:160]
    return Scores(**data)


def stage_for(scores: dict[str, int]) -> tuple[str, float]:
    """Overall Readiness Index (weighted mean) and the roadmap stage it puts the organisation in."""
    ori = round(sum(scores[k] * w for k, (_, w) in DIMENSIONS.items()), 2)
    low = min(scores.values())
    if ori < 2.0 or low == 1:
        return "Assess", ori
    if ori < 3.0 or low < 3:
        return "Align", ori
    if ori < 4.0:
        return "Advance", ori
    return "Amplify", ori


def compose_report(scores: Scores, method: str, sources: list[Citation]) -> tuple[str, dict[str, Any]]:
    """Readable markdown report and its structured form, built only from the validated scores."""
    s = {k: getattr(scores, f"{k}_score") for k in DIMENSIONS}
    stage, ori = stage_for(s)
    gaps = sorted(DIMENSIONS, key=lambda k: (s[k], -DIMENSIONS[k][1]))[:3]
    cite = {c.doc_id: c.marker for c in sources}
    ref = "".join(f"[{m}]" for m in list(dict.fromkeys(cite.values()))[:3])
    lines = [f"## AI readiness assessment\n\n**Stage: {stage}** (Overall Readiness Index {ori:.2f} of 5; "
             f"scores by {method}) {ref}".rstrip(), "", "| Dimension | Score | Evidence |", "|---|---|---|"]
    for key, (label, _) in DIMENSIONS.items():
        lines.append(f"| {label} | {s[key]} | {getattr(scores, f'{key}_evidence') or '-'} |")
    lines += ["", "**Top gaps:** " + ", ".join(f"{DIMENSIONS[g][0]} ({s[g]})" for g in gaps), "", "**Roadmap:**"]
    roadmap = []
    for i, g in enumerate(gaps, start=1):
        phase, owner, action, kpi = ROADMAP[g]
        roadmap.append({"phase": phase, "dimension": DIMENSIONS[g][0], "action": action, "owner": owner, "kpi": kpi})
        lines.append(f"{i}. {phase}: {action}. Owner: {owner}. KPI: {kpi}.")
    lines += ["", "Publishing this report needs approval."]
    structured = {"scores": s, "evidence": {k: getattr(scores, f"{k}_evidence") for k in DIMENSIONS},
                  "ori": ori, "stage": stage, "gaps": [DIMENSIONS[g][0] for g in gaps], "roadmap": roadmap,
                  "method": method}
    return "\n".join(lines), structured
