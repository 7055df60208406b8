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
