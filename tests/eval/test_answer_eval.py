"""The answer runner and scorer on a scripted service: what the API returns, follow-ups, figures, shapes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from copilot.eval.answer_eval import as_api_returns, build_report, run_answer_eval, run_item
from copilot.eval.loaders import AnswerItem
from copilot.eval.report import headline, to_markdown
from copilot.llm.fake import FakeLLM
from copilot.types import Answer

CITATION = {"marker": 1, "chunk_id": "FC#1", "doc_id": "FC-RIV-001", "title": "Alarm codes",
            "text": "| E-204 | High vibration, alarm 4.5 mm/s RMS, trip 7.1 mm/s | P-101 | Change over to P-102 |"}


class ScriptedService:
    """Stands in for CopilotService.stream: replies by question, records (message, thread_id) per call."""

    def __init__(self, replies: dict[str, str], extra: dict | None = None) -> None:
        self.replies, self.extra, self.calls = replies, extra or {}, []

    def stream(self, message, *, thread_id=None, agent=None):
        self.calls.append((message, thread_id))
        text = self.replies[message]
        yield SimpleNamespace(type="sources", data={"citations": [CITATION]})
        for word in text.split():
            yield SimpleNamespace(type="token", data={"text": word})
        answer = Answer(thread_id=thread_id or "t", route="maintenance", text=text, citations=[CITATION]).model_dump()
        yield SimpleNamespace(type="done", data={**answer, **self.extra})


def item(**kw) -> AnswerItem:
    base = {"id": "i1", "question": "P-101 tripped on E-204?", "agent": "maintenance",
            "required_facts": [{"fact": "4.5 mm/s"}, {"fact": "The trip level is 7.1 mm/s."}], "shape": "fault"}
    return AnswerItem(**{**base, **kw})


def test_the_eval_reads_only_what_the_api_returns():
    service = ScriptedService({"P-101 tripped on E-204?": "E-204: alarm 4.5 mm/s [1]."},
                              extra={"internal_debug": {"prompt": "secret"}})
    answer, timing = run_item(service, item())
    assert answer is not None and not hasattr(answer, "internal_debug")
    assert "internal_debug" not in answer.model_dump() and timing["stream_tokens"] == 5
    # the round trip is the SSE/JSON one: values become what a client parses
    assert as_api_returns({"thread_id": "t", "route": "general", "text": "x", "timings": {"total": 1}}).timings == {"total": 1.0}


def test_follow_up_items_ask_their_history_first_in_the_same_thread():
    q1, q2 = "Pump P-101 tripped on E-204. What does it mean?", "And how do I isolate it?"
    service = ScriptedService({q1: "It is high vibration [1].", q2: "Lock VFD-101 [1]."})
    answer, _ = run_item(service, item(question=q2, history=[q1]))
    assert [m for m, _ in service.calls] == [q1, q2]
    assert service.calls[0][1] == service.calls[1][1] is not None
    assert answer.text == "Lock VFD-101 [1]."


def test_scores_entailment_unsourced_figures_abstention_and_shapes():
    replies = {
        "P-101 tripped on E-204?": "E-204 is high vibration: alarm 4.5 mm/s, trip 7.1 mm/s; change over to P-102 [1].",
        "What was the purchase price of C-301?": "The purchase price was $75,000 in 2019 [1].",
        "What does E-239 mean?": "The documents do not cover E-239.",
    }
    items = [item(), AnswerItem(id="u1", question="What was the purchase price of C-301?", unanswerable=True,
                                shape="information", split="dev"),
             AnswerItem(id="u2", question="What does E-239 mean?", unanswerable=True, shape="fault")]
    llm = FakeLLM(responses=['{"entailed": true}'])
    report = run_answer_eval(ScriptedService(replies), items, entail_llm=llm, progress=False)
    first, price, e239 = report["per_item"]
    assert first["fact_recall_exact"] == 0.5 and first["fact_recall_entailment"] == 1.0
    assert [f["entailed"] for f in first["facts"]] == [True, True] and len(llm.calls) == 1  # exact hit needs no call
    assert first["unsourced_figures"] == [] and first["shape"] == "fault"
    assert price["unsourced_figures"] == ["2019", "75000"] and not price["abstained"]
    assert e239["abstained"] and e239["unsourced_figures"] == []  # the user's own code is not an invention
    m = report["metrics"]
    assert (m["unanswerable_abstained"], m["unanswerable_n"], m["answers_with_unsourced_figure"]) == (1, 2, 1)
    assert m["essential_fact_recall_entailment"] == 1.0
    assert set(report["per_shape"]) == {"fault", "information"} and report["per_shape"]["fault"]["n"] == 2
    assert headline(report)["shape:information.answers_with_unsourced_figure"] == 1.0
    md = to_markdown(report)
    assert "Per answer shape:" in md and "figures in no shown source" in md


def test_build_report_without_shapes_or_entailment_keeps_old_records_readable():
    report = build_report([{"id": "x", "agent": "general", "outcome_correct": True}])
    assert report["per_shape"] == {"unspecified": pytest.approx(report["per_shape"]["unspecified"])}
    assert report["metrics"]["fact_recall_entailment"] is None and report["metrics"]["answers_with_unsourced_figure"] == 0


def test_figures_the_copilot_lists_as_computed_are_counted_apart():
    """"ORI 2.8" is computed by rule from the user's scores: in no source by nature, listed in Answer.computed."""
    question = "strategy 3.5, data 3, infra 3, people 3, governance 3, measurement 1: overall index?"
    computed = ScriptedService({question: "**ORI 2.8**: the weighted mean of your scores [1]."},
                               extra={"computed": ["2.8"]})
    plain = ScriptedService({question: "**ORI 2.8**: the weighted mean of your scores [1]."})
    one = AnswerItem(id="o", question=question, shape="aggregate")
    [listed] = run_answer_eval(computed, [one], progress=False)["per_item"]
    [unlisted] = run_answer_eval(plain, [one], progress=False)["per_item"]
    assert listed["unsourced_figures"] == [] and listed["computed_figures"] == ["2.8"]
    assert unlisted["unsourced_figures"] == ["2.8"] and unlisted["computed_figures"] == []
