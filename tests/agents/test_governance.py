"""Governance tier signals, the constrained classification fallback and the decision-record proposal."""

from __future__ import annotations

import pytest

from agents.base import AgentContext
from agents.governance import GovernanceAgent, classify
from agents.governance_rules import rule_signals
from copilot.llm.fake import FakeLLM


@pytest.mark.parametrize("text,tier,route", [
    ("AI that ranks operators by productivity for shift allocation", "high", "Annex III"),
    ("Vision model acting as a safety component of the press light curtain", "high", "Annex I"),
    ("Emotion recognition of workers on the line from camera feeds", "prohibited", "Art. 5"),
    ("A chatbot that answers staff questions about the canteen menu", "limited", "Art. 50"),
])
def test_rule_signals(text, tier, route):
    sig = rule_signals(text)
    assert sig.tier == tier and route in sig.route


def test_inconclusive_rules_use_constrained_model_and_validate(settings):
    llm = FakeLLM(['{"tier": "minimal", "annex_iii_area": "none", "safety_component": false, '
                   '"interacts_with_people": false, "rationale": "energy optimisation"}'])
    ctx = AgentContext(settings=settings, llm=llm, question="q", original="q", thread_id="t")
    result, called = classify(ctx, "predictive maintenance of compressor bearings")
    assert called and result["tier"] == "minimal" and result["method"] == "model"
    bad = AgentContext(settings=settings, llm=FakeLLM(['{"tier": "catastrophic"}']), question="q", original="q",
                       thread_id="t")
    result, _ = classify(bad, "predictive maintenance of compressor bearings")
    assert result["method"] == "fallback" and result["tier"] == "minimal"


def test_agent_drafts_decision_record(settings):
    tokens: list[str] = []
    ctx = AgentContext(settings=settings, llm=FakeLLM(["Worker management is high-risk."]),
                       question="We plan to deploy AI that ranks operators by productivity. Classify it.",
                       original="We plan to deploy AI that ranks operators by productivity. Classify it.",
                       thread_id="t", emit=tokens.append)
    result = GovernanceAgent().run(ctx)
    assert result.proposal["kind"] == "decision_record"
    payload = result.proposal["payload"]
    assert payload["risk_tier"] == "high" and "MEASURE 2.11" in payload["nist_subcategories"]
    assert "Art. 14 (human oversight)" in payload["articles"]
    assert "".join(tokens) == result.text
