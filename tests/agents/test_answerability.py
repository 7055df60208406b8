"""The model's yes/no on the answer prompt: asked only for specific questions, "no" becomes an abstention."""

from __future__ import annotations

from copilot.agents.answerability import (
    ASK,
    OVERRULE_NO_AT,
    is_specific,
    lexical_support,
    should_abstain,
    sources_state,
)
from copilot.agents.base import AgentContext, stream_answer
from copilot.agents.prompts.shared import shared_messages
from copilot.config import load_settings
from copilot.llm.fake import FakeLLM
from copilot.types import Citation


def test_specific_questions_are_told_from_explanations():
    assert is_specific("Which notified body has Northbridge contracted for AI conformity assessments?")
    assert is_specific("What was the AI Centre of Excellence's total budget for 2025 in euros?")
    assert is_specific("What priority score did the Marlow Bay idea get at intake?")
    assert is_specific("What is the lubrication interval for GB-401?")
    assert not is_specific("What does 'deployer' mean in the AI Act?")
    assert not is_specific("How do we move a pilot to production?")
    assert not is_specific("Explain the MAP function of the NIST AI RMF")
    # whether something is allowed is a rule in words, not a value to find
    assert not is_specific("daves red lock is still on the CV-401 lockbox. can the shift sup just cut it off")
    assert not is_specific("is it ok to restart P-101 after E-204?")
    assert is_specific("can i get the torque for the P-101 coupling bolts")
    assert not is_specific("quick grind on a bracket on the CV-401 frame, do i really need a hot work permit?")


def test_the_check_reuses_the_answer_prompt_and_reads_the_schema():
    llm = FakeLLM(['{"stated": true}'])
    messages = shared_messages("Instructions\n\nSources:\n[1] Doc\ntext\n\nQuestion: Who?")
    assert sources_state(llm, messages) is True
    asked = llm.calls[0]
    assert asked[0] == messages[0] and asked[1]["content"] == messages[1]["content"] + ASK
    assert sources_state(FakeLLM(["not json"]), messages) is None


def _ctx(llm, question: str, on: bool = True) -> tuple[AgentContext, list[str]]:
    shown: list[str] = []
    settings = load_settings(profile="test", overrides={"agents": {"stated_check": on}})
    source = Citation(marker=1, chunk_id="PB-008#1", doc_id="PB-008", title="Operating model", text="The CoE ...")
    ctx = AgentContext(settings=settings, llm=llm, question=question, original=question, thread_id="t",
                       sources=[source], emit=shown.append)
    return ctx, shown


def test_a_no_becomes_an_abstention_without_streaming_the_model():
    llm = FakeLLM(['{"stated": false}', "The budget was 14 million euros [1]."])
    ctx, shown = _ctx(llm, "What was the CoE's total budget for 2025?")
    text, _ = stream_answer(ctx, shared_messages("x"), check_stated=True)
    assert ctx.checks.stated is False and "do not state this" in text and "Operating model [1]" in text
    assert "14 million" not in "".join(shown) and len(llm.calls) == 1


def test_a_yes_streams_the_answer_and_explanations_are_not_checked():
    llm = FakeLLM(['{"stated": true}', "The CoE has five roles [1]."])
    ctx, shown = _ctx(llm, "Who owns the CoE budget?")
    text, _ = stream_answer(ctx, shared_messages("x"), check_stated=True)
    assert ctx.checks.stated is True and "five roles" in text
    llm = FakeLLM(["The CoE coordinates use cases [1]."])
    ctx, _ = _ctx(llm, "Explain what a CoE does")
    stream_answer(ctx, shared_messages("x"), check_stated=True)
    assert ctx.checks.stated is None and len(llm.calls) == 1
    ctx, _ = _ctx(FakeLLM(["x [1]."]), "Who owns the CoE budget?", on=False)
    stream_answer(ctx, shared_messages("x"), check_stated=True)
    assert ctx.checks.stated is None


def test_a_no_is_overruled_when_one_source_holds_the_questions_words():
    row = Citation(marker=1, chunk_id="CL-004#3", doc_id="CL-004", title="AI Governance Review Checklist",
                   text="| GR-B2 | Outcomes compared across worker groups? | Selection-rate ratio below 0.8 between "
                        "groups (four-fifths rule) is a Critical bias finding |")
    question = "Which selection-rate ratio between worker groups counts as a critical bias finding?"
    assert lexical_support(question, [row]) >= OVERRULE_NO_AT
    assert not should_abstain(False, question, [row])
    budget = "What was the AI Centre of Excellence's total budget for 2025 in euros?"
    assert lexical_support(budget, [row]) < 0.2 and should_abstain(False, budget, [row])
    assert not should_abstain(True, budget, [row]) and not should_abstain(None, budget, [row])


def test_a_part_no_source_states_is_left_out_and_named_and_all_parts_unstated_abstain():
    from copilot.agents.base import grounded_messages

    q = "When is the CoE review due and who is leading that project?"
    llm = FakeLLM(['{"stated": true}', '{"stated": false}', "The review is due in March [1]."])
    ctx, shown = _ctx(llm, q)
    text, _ = stream_answer(ctx, grounded_messages("Answer.", ctx), check_stated=True)
    assert "leading that project" not in llm.calls[-1][-1]["content"].split("Sources:")[1]  # not asked of the model
    assert "due in March" in text and text.endswith("do not state the answer to: who is leading that project.")
    assert ctx.checks.stated is True and not ctx.checks.abstained
    llm = FakeLLM(['{"stated": false}', '{"stated": false}', "Invented [1]."])
    ctx, shown = _ctx(llm, q)
    text, _ = stream_answer(ctx, grounded_messages("Answer.", ctx), check_stated=True)
    assert ctx.checks.abstained and "do not state this" in text and len(llm.calls) == 2


def test_a_lead_row_is_shown_only_when_the_check_passes():
    llm = FakeLLM(['{"stated": false}', "Invented [1]."])
    ctx, shown = _ctx(llm, "What is the maximum fine for a prohibited practice?")
    text, _ = stream_answer(ctx, shared_messages("x"), check_stated=True, lead="| Tier | Consequence |\n\n")
    assert ctx.checks.abstained and "| Tier" not in "".join(shown)
    llm = FakeLLM(['{"stated": true}', "Watch comes first [1]."])
    ctx, shown = _ctx(llm, "What PSI value is the watch level?")
    text, _ = stream_answer(ctx, shared_messages("x"), check_stated=True, lead="| Signal | Watch |\n\n")
    assert text.startswith("| Signal | Watch |\n\nWatch comes first") and "".join(shown) == text


def test_a_recorded_decision_or_an_achieved_result_no_source_records_is_not_covered():
    """"did legal already clear it", "what payback did the Marlow Bay redesign actually deliver": the checklists say
    how to decide and the playbook what was tried; neither records the decision or the result, so no draft."""
    from copilot.agents.coverage import asked_attribute, check_coverage

    triage = Citation(marker=1, chunk_id="t", doc_id="CL-005", title="AI Act triage", text=(
        "A drowsiness warning for drivers of site vehicles may fall under the safety exception; refer it to Group "
        "Legal in every case."))
    asked = "transport put a driver drowsiness alert on the forklifts. did legal already clear it under the exemption?"
    c = check_coverage(asked, [triage], "the AIRB", about_assets=False)
    assert not c.covered and c.attribute == "recorded decision"
    dated = triage.model_copy(update={"text": "The AIRB approved the forklift drowsiness alert on 12 March 2025."})
    assert check_coverage(asked, [dated], "the AIRB", about_assets=False).covered
    assert asked_attribute("who has to sign off the decision record?") is None  # how to decide, not what was
    assert asked_attribute("which bit of kit cost us the most hours in 2025?") is None  # hours, not a price
    pilot = Citation(marker=2, chunk_id="p", doc_id="PB-007", title="Pilot design", text=(
        "The 2023 pilot of leak detection at Marlow Bay reached 85% detection in a lab-style test.\n\n"
        "The 2025 redesign at Marlow Bay passed G3 in week 11."))
    value = Citation(marker=3, chunk_id="v", doc_id="PB-006", title="Value", text=(
        "A detector on six pumps at Halden Works cost EUR 180,000. Payback was reached in month 9."))
    c = check_coverage("what payback did the marlow bay leak detection redesign actually deliver?", [pilot, value], "X",
                       about_assets=False)
    assert not c.covered and c.entity == "Marlow Bay" and "Pilot design [2]" in c.message
    assert check_coverage("what payback did the halden works detector actually deliver?", [pilot, value], "X",
                          about_assets=False).covered


def test_a_recorded_reading_no_record_of_the_asked_asset_holds_is_not_covered():
    """"the last megger reading on the big air compressor motor" (M-301): the work orders record IR results for
    M-101 only; the model gave M-101's 850 MOhm."""
    from copilot.agents.coverage import check_coverage

    register = Citation(marker=1, chunk_id="a", doc_id="asset_register", title="asset_register.csv", row=14,
                        text="asset_tag: M-301\ndescription: Main motor for C-301\n"
                             "maintenance_strategy: annual insulation resistance test")
    record = Citation(marker=2, chunk_id="b", doc_id="maintenance_history", title="maintenance_history.csv", row=20,
                      text="asset_tag: M-101\naction: IR 850 MOhm at 500 V DC 1 min")
    asked = "whats the last megger reading on the big air compressor motor?"
    c = check_coverage(f"{asked}\n{asked} (the air compressor is C-301) (motor of C-301 is M-301)", [register, record],
                       "X", original=asked)
    assert not c.covered and c.attribute == "recorded insulation resistance reading" and "M-301" in c.message
    assert check_coverage("last megger reading on M-101?", [register, record], "X").covered
