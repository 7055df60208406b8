"""Readiness: evidence quoted from the user's words, unknown dimensions asked about (not scored), ORI over known
dimensions, report streamed row by row."""

from __future__ import annotations

import pytest

from copilot.agents.base import AgentContext
from copilot.agents.readiness import ReadinessAgent
from copilot.agents.readiness_evidence import find_evidence
from copilot.agents.readiness_report import ori_over, parse_score, stage_for
from copilot.llm.fake import FakeLLM
from copilot.types import Citation

DESCRIPTION = ("Please score our predictive maintenance use case. KPI: cut unplanned downtime on pumps P-101/P-102 "
               "by 20% within 12 months. Owner: the maintenance manager, sponsored by the plant director. "
               "Data: 3 years of vibration data in the historian and CMMS work orders, failure codes mostly free "
               "text. Deployment: an edge server in the MCC room, deployed by hand by our data scientist. "
               "Users: 12 maintenance technicians on two shifts, not yet trained. Score now.")
ALL = ("strategy", "data", "infrastructure", "people", "governance", "measurement")


@pytest.mark.parametrize("question, starts", [
    ("can you assess our readiness?", True),
    ("Let's start the readiness assessment for our plant", True),
    ("As Riverside plant manager I need to know what stands between us and scaling AI use cases, based on the "
     "latest readiness assessment.", False),  # about the assessment on record
    ("What ORI did Riverside get in the 2024 readiness assessment?", False),
    ("What is the ORI threshold and minimum dimension score to scale out a use case to another site?", False),
])
def test_a_question_about_an_assessment_on_record_does_not_start_a_new_one(question, starts):
    from copilot.agents.readiness import starts_assessment

    assert starts_assessment(question) is starts


def test_evidence_quotes_the_description_and_leaves_silence_unknown():
    ev = find_evidence(DESCRIPTION)
    assert not ev["governance"] and not ev["measurement"]
    for key in ("strategy", "data", "infrastructure", "people"):
        assert ev[key] and all(quote in DESCRIPTION for quote in ev[key]), (key, ev[key])
    assert ev["people"] == ["Users: 12 maintenance technicians on two shifts, not yet trained."]
    assert not any("score" in q.lower() for qs in ev.values() for q in qs)


def test_run_on_sentences_are_cut_to_the_words_about_each_dimension():
    ev = find_evidence("We have a historian with sensor data but no data owner, no MLOps, operators were not "
                       "trained, there is no governance process and no baseline for the KPIs.")
    assert ev["infrastructure"] == ["no MLOps"] and ev["people"] == ["operators were not trained"]
    assert ev["governance"] == ["there is no governance process"]


def test_ori_over_known_dimensions_only():
    assert ori_over({"strategy": 3, "data": 2}) == 2.5
    assert ori_over({}) is None
    assert stage_for({k: 3 for k in ALL})[0] == "Advance" and stage_for({"data": 1, "strategy": 4})[0] == "Assess"
    assert parse_score('{"score": 4}', ["x"]) == (4, "model")
    assert parse_score('{"score": 9}', ["no data owner"]) == (2, "fallback")


def test_score_now_streams_rows_and_asks_about_unknown(settings):
    tokens: list[str] = []
    llm = FakeLLM(['{"score": 3}', '{"score": 2}', '{"score": 2}', '{"score": 1}'])
    src = [Citation(marker=1, chunk_id="c", doc_id="PB-002", title="Readiness dimensions", text="t")]
    ctx = AgentContext(settings=settings, llm=llm, question=DESCRIPTION, original=DESCRIPTION, thread_id="t",
                       sources=src, emit=tokens.append)
    result = ReadinessAgent().run(ctx)
    assert "".join(tokens) == result.text
    rows = [t for t in tokens if t.startswith("| ") and not t.startswith("| Dimension")]
    assert len(rows) == 6  # one emit per dimension
    s = result.structured
    assert s["scores"] == {"strategy": 3, "data": 2, "infrastructure": 2, "people": 1, "governance": None,
                           "measurement": None}
    assert s["unknown"] == ["governance", "measurement"] and len(llm.calls) == 4  # unknown dims never scored
    assert s["ori"] == round((3 * .2 + 2 * .2 + 2 * .15 + 1 * .15) / .7, 2)
    assert "over the 4 known dimensions only" in result.text and "| Governance | unknown |" in result.text
    assert "baseline" in result.text.split("please answer")[1].lower()  # the measurement question is asked
    assert "\u201cUsers: 12 maintenance technicians on two shifts, not yet trained.\u201d" in result.text
    assert "does not provide any information" not in result.text
    assert result.agent_state["active"] is True  # the next message answers the open questions
    follow = AgentContext(settings=settings, llm=FakeLLM(['{"score": 3}']), question="q", thread_id="t",
                          original="Governance: the AI review board signs off every model. Baseline: 120 h of "
                                   "downtime per year, reviewed quarterly with finance.",
                          agent_state=result.agent_state)
    again = ReadinessAgent().run(follow)
    assert again.structured["unknown"] == [] and again.agent_state == {"active": False}
    assert "all six dimensions" in again.text


@pytest.mark.real_model
def test_real_model_scores_what_it_was_told(settings, real_llm):
    tokens: list[str] = []
    ctx = AgentContext(settings=settings, llm=real_llm, question=DESCRIPTION, original=DESCRIPTION,
                       thread_id="t", emit=tokens.append)
    result = ReadinessAgent().run(ctx)
    s = result.structured
    assert s["unknown"] == ["governance", "measurement"]
    assert all(isinstance(s["scores"][k], int) for k in ("strategy", "data", "infrastructure", "people"))
    assert s["method"] == "model" and 1 <= s["ori"] <= 5
    assert "12 maintenance technicians" in result.text and "".join(tokens) == result.text


def test_a_stage_named_assess_is_no_request_to_assess_us():
    from copilot.agents.readiness import starts_assessment

    assert not starts_assessment("Riverside is still sitting in Assess. What do we need to get through the Assess gate, "
                                 "and going by the January scores, which of our dimensions need a gap register entry?")
    assert starts_assessment("Please assess our AI readiness") and starts_assessment("rate the AI readiness of our plant")


def test_a_reading_placed_in_its_level_answers_a_one_part_question_without_the_model(settings):
    """"PSI on one of the top features hit 0.18. Do I need to page someone or roll back?": the reading is at the
    watch level; the model had added "Yes, you need to page someone" (the action level pages)."""
    thresholds = Citation(marker=1, chunk_id="t", doc_id="PB-005", title="MLOps", text=(
        "| Signal | Watch level | Action level |\n|---|---|---|\n"
        "| Population Stability Index (PSI) on any top-10 feature, 7-day window vs training | 0.10 | 0.25 |"))
    llm = FakeLLM(["Yes, you need to page someone [1]."])
    q = "PSI on one of the top features hit 0.18 over the last week. Do I need to page someone or roll back?"
    ctx = AgentContext(settings=settings, llm=llm, question=q, original=q, thread_id="t", sources=[thresholds],
                       emit=lambda _t: None)
    result = ReadinessAgent().run(ctx)
    assert 'is in the band "Watch level: 0.10", not yet at "Action level: 0.25"' in result.text
    assert "page someone" not in result.text.split("\n")[-1] and not llm.calls  # no model call
