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
