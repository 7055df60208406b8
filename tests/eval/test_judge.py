"""The groundedness judge: prompt content, schema-constrained verdict, invalid output."""

from __future__ import annotations

import pytest

from copilot.eval.judge import JUDGE_SCHEMA, judge_answer, judge_prompt
from copilot.llm.fake import FakeLLM
from copilot.types import Citation

SOURCES = [Citation(marker=1, chunk_id="c1", doc_id="TG-P", title="Pump guide", text="Cavitation comes from low NPSH.")]


def test_verdict_is_parsed_and_prompt_carries_sources_and_answer():
    llm = FakeLLM(responses=['{"grounded": false, "unsupported_claims": 2}'])
    verdict = judge_answer(llm, "Why cavitation?", "Because of aliens [1].", SOURCES)
    assert verdict is not None and verdict.grounded is False and verdict.unsupported_claims == 2
    prompt = llm.calls[0][-1]["content"]
    assert "[1] Pump guide" in prompt and "low NPSH" in prompt and "Because of aliens" in prompt


@pytest.mark.parametrize("reply", ["not json", '{"grounded": "maybe"}', '{"grounded": true, "unsupported_claims": -1}'])
def test_invalid_verdict_gives_none(reply):
    assert judge_answer(FakeLLM(responses=[reply]), "q", "a", SOURCES) is None


def test_schema_default_instance_is_valid_and_prompt_without_sources():
    assert judge_answer(FakeLLM(), "q", "a", []) is not None  # FakeLLM returns the schema's smallest instance
    assert set(JUDGE_SCHEMA["required"]) == {"grounded", "unsupported_claims"}
    assert "(no sources were shown)" in judge_prompt("q", "a", [])


@pytest.mark.real_model
def test_real_model_judge_returns_a_verdict(real_llm):
    verdict = judge_answer(real_llm, "Why does the pump cavitate?",
                           "The pump cavitates because the NPSH available is too low [1].", SOURCES, max_tokens=30)
    assert verdict is not None and verdict.unsupported_claims >= 0
