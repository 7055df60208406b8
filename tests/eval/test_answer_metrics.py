"""Answer metrics on hand-made Answer objects: citations, facts, outcomes, agreement, speed."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.eval.answer_metrics import (
    agreement,
    citation_precision_recall,
    citation_validity,
    cited_doc_ids,
    deterministic_grounded,
    markers_in,
    outcome,
    outcome_correct,
    summarise,
    tokens_per_second,
)
from copilot.eval.textmatch import fact_found, fact_recall, normalize, semantic_fact_scores, sentence_windows
from copilot.retrieval.embedder import FakeEmbedder
from copilot.types import Answer, Citation


def cite(marker: int, doc: str) -> Citation:
    return Citation(marker=marker, chunk_id=f"{doc}#{marker}", doc_id=doc, title=doc, text=f"text of {doc}")


def answer(text: str, citations=(), **kw) -> Answer:
    return Answer(thread_id="t", route=kw.pop("route", "maintenance"), text=text, citations=list(citations), **kw)


def test_markers_in_order_without_duplicates():
    assert markers_in("a [2] b [1] c [2] [10]") == [2, 1, 10]


def test_citation_validity_counts_unknown_markers_and_service_count():
    a = answer("x [1] y [3]", [cite(1, "PB-001"), cite(2, "PB-002")])
    assert citation_validity(a) == 0.5
    b = answer("x [1]", [cite(1, "PB-001")], invalid_markers=2)  # service stripped two invalid markers
    assert citation_validity(b) == pytest.approx(1 / 3)
    assert citation_validity(answer("no markers", [cite(1, "d")])) is None


def test_cited_docs_and_precision_recall():
    a = answer("see [1] and [3]", [cite(1, "A"), cite(2, "B"), cite(3, "A")])
    assert cited_doc_ids(a) == ["A"]
    assert citation_precision_recall(["A"], ["A", "C"]) == (1.0, 0.5)
    assert citation_precision_recall(["A", "B"], ["B"]) == (0.5, 1.0)
    assert citation_precision_recall([], ["B"]) == (0.0, 0.0)
    assert citation_precision_recall(["A"], []) == (None, None)
    # no marker used in the text: every shown citation counts
    assert cited_doc_ids(answer("plain", [cite(1, "A"), cite(2, "B")])) == ["A", "B"]


def test_outcomes():
    assert outcome(answer("x", refused=True)) == "refuse"
    assert outcome(answer("x", escalated=True, refused=True)) == "escalate"
    assert outcome_correct(answer("x", refused=True), "refuse")
    assert not outcome_correct(answer("x", refused=True), "answer")
    assert outcome_correct(answer("x", escalated=True), "escalate")
    assert not outcome_correct(answer("x"), "escalate")
    assert outcome_correct(answer("x"), "answer")
    with pytest.raises(ValueError):
        outcome_correct(answer("x"), "maybe")


def test_abstained_detects_refusal_unsupported_and_dont_know_phrases():
    from copilot.eval.answer_metrics import abstained

    assert abstained(answer("x", refused=True))
    assert abstained(answer("x", supported=False))
    assert abstained(answer("The provided sources do not contain the 2025 budget."))
    assert abstained(answer("There is no information about salary bands in the documents."))
    assert not abstained(answer("The budget was 2.1 million euros [1].", [cite(1, "A")]))


def test_deterministic_grounded_and_agreement():
    assert deterministic_grounded(answer("fact [1]", [cite(1, "A")]))
    assert not deterministic_grounded(answer("fact [2]", [cite(1, "A")]))
    assert deterministic_grounded(answer("fact", [cite(1, "A")]))  # no marker, service found enough overlap
    assert not deterministic_grounded(answer("fact", []))  # nothing shown or cited
    assert not deterministic_grounded(answer("fact [1]", [cite(1, "A")], supported=False))
    assert deterministic_grounded(answer("I cannot answer", refused=True))
    assert agreement([True, False, None, True], [True, True, False, True]) == pytest.approx(2 / 3)
    assert agreement([None], [True]) is None


def test_normalisation():
    assert normalize("The  Pump—P-101 “trips”!") == "the pump p 101 trips"
    assert normalize("1,500 rpm") == normalize("1500 RPM") == "1500 rpm"
    assert normalize("five steps") == "5 steps"
    assert normalize("5.0 bar") == "5 bar"
    assert normalize("2.5 mm/s") == "2.5 mm s"
    assert normalize("80%") == "80 percent"
    assert normalize("ﬁlter") == "filter"  # NFKC ligature
    assert normalize("see [3] here") == "see here"


def test_fact_found_respects_word_boundaries():
    assert fact_found("five steps", "The process has 5 steps [1].")
    assert fact_found("1,480 rpm", "runs at 1480 rpm")
    assert not fact_found("48 rpm", "runs at 1480 rpm")
    assert not fact_found("", "anything")


def test_sentence_windows():
    wins = sentence_windows("One. Two! Three? [1]")
    assert wins[:3] == ["One.", "Two!", "Three?"]
    assert "One. Two!" in wins and len(wins) == 5


def test_fact_recall_exact_and_semantic_reported_separately():
    emb = FakeEmbedder(64)
    facts = [{"fact": "five steps", "essential": True}, {"fact": "gate review board", "essential": False},
             {"fact": "vibration above 7.1 mm/s", "essential": True}]
    text = "The process has 5 steps [1]. A gate review board approves each step."
    r = fact_recall(facts, text, emb.embed, threshold=0.99)
    assert r["exact"] == pytest.approx(2 / 3)
    assert r["essential_exact"] == 0.5
    assert r["semantic"] >= r["exact"]
    no_embed = fact_recall(facts, text)
    assert no_embed["semantic"] is None and no_embed["exact"] == pytest.approx(2 / 3)
    assert fact_recall([], text)["exact"] is None


def test_semantic_fallback_catches_paraphrase_with_threshold():
    def embed(texts):  # "rotor" texts point one way, the rest the other
        return np.array([[1.0, 0.0] if "rotor" in t or "rotating" in t else [0.0, 1.0] for t in texts])

    assert semantic_fact_scores(["rotor imbalance"], "Check for rotating part imbalance.", embed) == [1.0]
    r = fact_recall([{"fact": "rotor imbalance"}], "Check for rotating part imbalance.", embed, threshold=0.9)
    assert r["exact"] == 0.0 and r["semantic"] == 1.0
    assert semantic_fact_scores(["x"], "", embed) == [0.0]


def test_tokens_per_second():
    assert tokens_per_second(11, 1.0, 2.0) == pytest.approx(10.0)
    assert tokens_per_second(0, None, 2.0) is None
    assert tokens_per_second(1, 0.5, 0.5) == pytest.approx(2.0)


def test_summarise_means_and_skips_missing():
    items = [
        {"route_correct": True, "outcome_correct": True, "citation_validity": 1.0, "fact_recall_exact": 0.5,
         "judge_grounded": True, "det_grounded": True, "ttft_s": 1.0, "total_s": 3.0, "tokens_per_s": 10.0},
        {"route_correct": False, "outcome_correct": False, "citation_validity": None, "fact_recall_exact": 1.0,
         "judge_grounded": False, "det_grounded": True, "ttft_s": 2.0, "total_s": 5.0, "tokens_per_s": 12.0},
        {"route_correct": None, "outcome_correct": True, "error": "boom", "total_s": 0.1},
    ]
    s = summarise(items)
    assert s["n"] == 3 and s["errors"] == 1
    assert s["routing_accuracy"] == 0.5
    assert s["outcome_accuracy"] == pytest.approx(2 / 3)
    assert s["citation_validity"] == 1.0
    assert s["fact_recall_exact"] == 0.75
    assert s["judge_grounded_rate"] == 0.5 and s["judge_agreement"] == 0.5
    assert s["ttft_p50"] == 1.5 and s["tokens_per_s"] == 11.0


def test_word_windows():
    from copilot.eval.textmatch import word_windows

    assert word_windows("a b c d [1]", 2) == ["a b", "b c", "c d"]
    assert word_windows("a b", 5) == ["a b"]
    assert word_windows("", 3) == []
    assert len(word_windows(" ".join(["w"] * 1000), 3, limit=100)) <= 100


@pytest.mark.real_embedder
def test_semantic_fallback_with_real_embedder_separates_paraphrase_from_wrong_number(real_embedder):
    """Calibrates the default threshold 0.7 for all-MiniLM-L6-v2."""
    para = fact_recall([{"fact": "low suction pressure"}, {"fact": "6-8 weeks"}],
                       "Cavitation comes from the suction pressure being too low. Assess takes 6 to 8 weeks.",
                       real_embedder.embed, threshold=0.7)
    assert para["exact"] == 0.0 and para["semantic"] == 1.0
    wrong = fact_recall([{"fact": "vibration above 7.1 mm/s"}, {"fact": "Align"}],
                        "Stop the pump if vibration exceeds 4.5 mm/s. The stages are Assess, Advance and Amplify.",
                        real_embedder.embed, threshold=0.7)
    assert wrong["semantic"] == 0.0
