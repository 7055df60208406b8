"""Governance advisor: EU AI Act tier with deciding articles, NIST AI RMF subcategories, controls and a
draft decision record (recorded only after human approval)."""

from __future__ import annotations

import json
import re
from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from agents import governance_rules as R
from agents.base import AgentContext, AgentResult, grounded_messages, say, stream_answer
from agents.prompts.governance import CLASSIFY, INSTRUCTIONS
from agents.prompts.shared import shared_messages
from copilot.retrieval.base import Filters

RECORD_WORDS = re.compile(r"\b(decision record|record (?:the|this|a) decision|draft (?:a|the) record|classify|classification|risk tier|risk level|which tier|is (?:it|this) high[- ]risk)\b", re.I)
ANNEX_AREAS = ["none", "biometrics", "critical_infrastructure", "education", "employment", "essential_services",
               "law_enforcement", "migration", "justice"]


class Classification(BaseModel):
    """The flat, schema-constrained output of the classification call."""

    tier: Literal["prohibited", "high", "limited", "minimal"]
    annex_iii_area: Literal[tuple(ANNEX_AREAS)] = "none"  # type: ignore[valid-type]
    safety_component: bool = False
    interacts_with_people: bool = False
    rationale: str = Field("", max_length=600)


SCHEMA = {
    "type": "object",
    "properties": {
        "tier": {"type": "string", "enum": ["minimal", "limited", "high", "prohibited"]},
        "annex_iii_area": {"type": "string", "enum": ANNEX_AREAS},
        "safety_component": {"type": "boolean"},
        "interacts_with_people": {"type": "boolean"},
        "rationale": {"type": "string", "maxLength": 300},
    },
    "required": ["tier", "annex_iii_area", "safety_component", "interacts_with_people", "rationale"],
}


def classify(ctx: AgentContext, use_case: str) -> tuple[dict, bool]:
    """Rules first; the constrained model only when the rules are inconclusive. Returns (result, model_called)."""
    sig = R.rule_signals(use_case)
    if sig.tier is not None:
        return {"tier": sig.tier, "route": sig.route, "reasons": sig.reasons, "method": "rules",
                "transparency": sig.transparency}, False
    try:
        raw = ctx.llm.chat(shared_messages(CLASSIFY + use_case), json_schema=SCHEMA,
                           max_tokens=160, temperature=0.0).text
        parsed = Classification.model_validate(json.loads(raw))
    except (ValidationError, ValueError, TypeError):
        return {"tier": "minimal", "route": "no Art. 5 practice, no Annex I/III signal", "method": "fallback",
                "reasons": ["no prohibited, high-risk or transparency signal found; model output invalid"],
                "transparency": False}, True
    tier = parsed.tier
    route = {"prohibited": "Art. 5", "high": "Art. 6", "limited": "Art. 50"}.get(tier, "no Art. 5/6/50 trigger")
    reasons = [parsed.rationale] if parsed.rationale else []
    if tier == "high" and parsed.annex_iii_area != "none":
        route = f"Art. 6(2) + Annex III ({parsed.annex_iii_area})"
    elif tier == "high" and parsed.safety_component:
        route = "Art. 6(1) + Annex I"
    return {"tier": tier, "route": route, "reasons": reasons, "method": "model",
            "transparency": parsed.interacts_with_people}, True


class GovernanceAgent:
    name = "governance"
    needs_retrieval = True
    uses_tables = False

    def filters(self, question: str) -> Filters | None:
        return {"doc_type": ["checklist", "playbook", "regulation", "standard", "policy", "framework"]}

    def run(self, ctx: AgentContext) -> AgentResult:
        raw, timings = stream_answer(ctx, grounded_messages(INSTRUCTIONS, ctx))
        text = raw.strip()
        if not RECORD_WORDS.search(ctx.original) and not _describes_use_case(ctx.original):
            return AgentResult(text=text, model_text=raw, timings=timings, model_called=True)
        result, _ = classify(ctx, ctx.question)
        tier = result["tier"]
        if result["transparency"] and tier in ("high", "minimal"):
            result["route"] += "; Art. 50 transparency"
        block = _compose(result)
        say(ctx, block)
        payload = {
            "use_case": ctx.question[:2000], "risk_tier": tier, "route": result["route"],
            "articles": R.ARTICLES[tier] + (["Art. 50 (transparency obligations)"] if result["transparency"] and tier == "high" else []),
            "nist_subcategories": R.NIST[tier], "controls": R.CONTROLS[tier], "documentation": R.DOCUMENTATION[tier],
            "tests": R.TESTS[tier], "human_oversight": R.OVERSIGHT[tier], "sign_offs": R.SIGN_OFFS[tier],
            "rationale": "; ".join(result["reasons"])[:1000],
            "sources": [c.title for c in ctx.sources[:4]],
        }
        proposal = {"kind": "decision_record", "payload": payload,
                    "summary": f"Governance decision record: {tier} risk ({result['route']})"}
        return AgentResult(text=text + block, model_text=raw, proposal=proposal, structured=result, timings=timings,
                           model_called=True)


def _describes_use_case(text: str) -> bool:
    return bool(re.search(r"\b(we (?:want|plan|intend|use)|our (?:ai|model|system)|use case|deploy\w*|roll out)\b", text, re.I))


def _compose(result: dict) -> str:
    tier = result["tier"]
    lines = [
        "",
        f"**EU AI Act classification:** {tier} risk ({result['route']}; decided by {result['method']}).",
        "Why: " + ("; ".join(result["reasons"]) or "no deciding signal"),
        "**Deciding / applicable articles:** " + ", ".join(R.ARTICLES[tier]),
        "**NIST AI RMF:** " + ", ".join(R.NIST[tier]),
        "**Controls:** " + "; ".join(R.CONTROLS[tier]),
        "**Documentation:** " + "; ".join(R.DOCUMENTATION[tier]),
        "**Tests:** " + ("; ".join(R.TESTS[tier]) or "none"),
        "**Human oversight:** " + R.OVERSIGHT[tier],
        "**Sign-offs:** " + ", ".join(R.SIGN_OFFS[tier]),
        "A draft decision record awaits approval before it is recorded.",
    ]
    return "\n\n" + "\n".join(lines)
