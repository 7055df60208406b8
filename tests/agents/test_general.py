"""The general agent: the document list only when it is asked for (no model)."""

from __future__ import annotations

import pytest

from copilot.agents.base import AgentContext
from copilot.agents.general import CAPABILITIES, GeneralAgent
from copilot.config import load_settings


class Index:
    def documents(self):
        return [{"doc_id": "PB-009", "title": "Plant Copilot User Guide", "doc_type": "playbook", "revision": "B"}]


def _answer(question: str) -> str:
    ctx = AgentContext(settings=load_settings(profile="test"), llm=None, question=question, original=question,
                       thread_id="t", sources=[], history=[], agent_state={}, retriever=Index(), emit=lambda _t: None)
    return GeneralAgent().run(ctx).text


@pytest.mark.parametrize("question", ["Which documents do you have?", "what is in your knowledge base",
                                      "list the manuals you know"])
def test_the_document_list_when_asked_for(question):
    assert _answer(question).startswith("The knowledge base holds 1 document:\n- Plant Copilot User Guide")


def test_how_it_cites_its_sources_is_not_a_document_list():
    assert _answer("How does the copilot cite its sources?") == CAPABILITIES


def test_a_specific_question_about_the_copilot_is_answered_from_its_guide_and_greetings_need_no_source():
    from copilot.agents.general import about_itself, general_spec
    from copilot.llm.fake import FakeLLM
    from copilot.types import Citation

    assert about_itself("hello") and about_itself("what can you do?") and about_itself("which documents do you have")
    assert not about_itself("could we let the copilot create work orders without approval?")
    spec = general_spec()
    assert spec.grounded and spec.needs_retrieval and spec.starts_without_sources("hi there")
    guide = Citation(marker=1, chunk_id="g", doc_id="PB-009", title="Plant Copilot User Guide", text=(
        "A draft is never sent or saved automatically. The copilot shows the complete draft and asks for explicit "
        "approval; only after the user approves is the record created."))
    question = "could we let the copilot create work orders without approval?"
    llm = FakeLLM(["No: a draft is never sent or saved automatically [1]."])
    ctx = AgentContext(settings=load_settings(profile="test"), llm=llm, question=question, original=question,
                       thread_id="t", sources=[guide], history=[], agent_state={}, retriever=Index(),
                       emit=lambda _t: None)
    text = GeneralAgent().run(ctx).text
    assert text != CAPABILITIES and "never sent or saved automatically [1]" in text


def test_a_quoted_answer_leaves_the_other_ask_of_the_question_to_the_model():
    """"whats the difference between H2 and H3? and could we run H3 on our safety instrumented functions": the rule
    answers the second ask ("No."), the model the first, after it."""
    from copilot.agents.quoted import quoted_answer
    from copilot.llm.fake import FakeLLM
    from copilot.types import Citation

    review = Citation(marker=1, chunk_id="r", doc_id="CL-004", title="AI Governance Review Checklist", text=(
        "| Level | Name | Meaning |\n|---|---|---|\n| H2 | Human approval | Executes only after explicit approval |\n"
        "| H3 | Supervised autonomy | Acts within limits; a person can stop it |\n\n"
        "GR-D4 For H3, has the AIRB approved the use? H3 is not permitted on safety instrumented functions."))
    question = ("whats the difference between H2 and H3 oversight? and could we run H3 on our safety instrumented "
                "functions")
    llm = FakeLLM(["H2 executes only after explicit approval; H3 acts within limits [1]."])
    ctx = AgentContext(settings=load_settings(profile="test"), llm=llm, question=question, original=question,
                       thread_id="t", sources=[review], history=[], agent_state={}, retriever=None,
                       emit=lambda _t: None)
    result = quoted_answer(ctx, "Task: answer.")
    # the ask the rule answers is named before the "No" (the other ask is the model's)
    assert result is not None and result.model_called
    assert result.text.startswith('On "could we run H3 on our safety instrumented functions?": **No.**')
    assert "H3 acts within limits [1]" in result.text
    assert "could we run H3" not in llm.calls[0][-1]["content"]  # the model is asked the other part only
    single = quoted_answer(AgentContext(settings=load_settings(profile="test"), llm=FakeLLM([]),
                                        question="could we run H3 on our safety instrumented functions",
                                        original="could we run H3 on our safety instrumented functions", thread_id="t",
                                        sources=[review], history=[], agent_state={}, retriever=None,
                                        emit=lambda _t: None), "Task: answer.")
    assert single is not None and not single.model_called
