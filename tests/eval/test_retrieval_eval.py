"""evaluate_mode with a stub retriever: doc-level dedupe, fetch size, chunk level, mode parsing."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.eval.loaders import BeirDataset
from copilot.eval.retrieval_eval import evaluate_mode, parse_modes, run_retrieval_eval, write_corpus
from copilot.types import Chunk, Hit


class StubRetriever:
    """Returns the same chunk list for every query and records the requested k."""

    def __init__(self, docs: list[str]) -> None:
        self.hits = [Hit(chunk=Chunk(id=f"{d}#{i}", doc_id=d, text="t"), score=1.0 / (i + 1), rank=i + 1)
                     for i, d in enumerate(docs)]
        self.calls: list[tuple[int, str]] = []

    def search(self, query: str, *, k: int | None = None, mode: str | None = None, filters=None) -> list[Hit]:
        self.calls.append((k or 0, mode or ""))
        return self.hits[: k or 10]


def dataset(qrels: dict) -> BeirDataset:
    return BeirDataset(path=Path("x"), queries={q: f"text {q}" for q in qrels}, qrels=qrels)


def test_doc_level_dedupes_and_fetches_three_times_k():
    retriever = StubRetriever(["A", "A", "A", "B", "A", "C"])
    res = evaluate_mode(retriever, dataset({"q": {"C": 1}}), "hybrid", k=3, progress=False)
    row = res["per_query"][0]
    assert row["ranking"] == ["A", "B", "C"]
    assert row["mrr@10"] == pytest.approx(1 / 3) and row["recall@1"] == 0.0
    assert retriever.calls == [(9, "hybrid")]


def test_chunk_level_scores_chunk_ids_and_counts_skipped_queries():
    retriever = StubRetriever(["A", "A", "B"])
    res = evaluate_mode(retriever, dataset({"q1": {"A#1": 2, "B#2": 1}, "q2": {}}), "bm25", k=2, level="chunk",
                        progress=False)
    assert res["per_query"][0]["ranking"] == ["A#0", "A#1"]
    assert res["skipped_no_relevant"] == 1 and res["queries"] == 2
    assert res["metrics"]["recall@5"] == pytest.approx(0.5)  # only the 2 fetched chunks are seen
    assert res["latency"]["p50"] is not None
    with pytest.raises(ValueError):
        evaluate_mode(retriever, dataset({"q": {"A": 1}}), "bm25", level="page")


def test_run_all_modes_and_parse_modes():
    report = run_retrieval_eval(StubRetriever(["A"]), dataset({"q": {"A": 1}}), ["bm25", "dense"], progress=False)
    assert set(report["modes"]) == {"bm25", "dense"} and report["dataset"]["fetch_k"] == 30
    assert parse_modes(" bm25, hybrid ") == ["bm25", "hybrid"]
    with pytest.raises(ValueError, match="unknown mode"):
        parse_modes("bm25,fuzzy")
    with pytest.raises(ValueError):
        parse_modes(",")


def test_write_corpus_keeps_exact_ids_in_front_matter(tmp_path):
    folder = write_corpus({"a/b:1": {"title": "T", "text": "x"}, "a_b_1": {"title": "", "text": "y"}}, tmp_path)
    files = sorted(folder.glob("*.md"))
    assert len(files) == 2
    assert 'id: "a/b:1"' in files[0].read_text() or 'id: "a/b:1"' in files[1].read_text()
