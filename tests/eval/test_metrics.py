"""Retrieval and latency metrics on small hand-computed cases."""

from __future__ import annotations

import math

import pytest

from copilot.eval.metrics import (
    aggregate,
    average_precision,
    dedupe,
    latency_summary,
    mrr_at_k,
    ndcg_at_k,
    percentile,
    precision_at_k,
    query_metrics,
    ranking_from_scores,
    recall_at_k,
)


def test_recall_single_relevant_found_at_rank_3():
    ranking = ["a", "b", "g", "c"]
    qrels = {"g": 1}
    assert recall_at_k(ranking, qrels, 1) == 0.0
    assert recall_at_k(ranking, qrels, 2) == 0.0
    assert recall_at_k(ranking, qrels, 3) == 1.0
    assert mrr_at_k(ranking, qrels, 10) == pytest.approx(1 / 3)
    assert mrr_at_k(ranking, qrels, 2) == 0.0


def test_multiple_gold_documents():
    ranking = ["g1", "x", "g2", "y", "z"]
    qrels = {"g1": 1, "g2": 1, "g3": 1}
    assert recall_at_k(ranking, qrels, 1) == pytest.approx(1 / 3)
    assert recall_at_k(ranking, qrels, 5) == pytest.approx(2 / 3)
    assert precision_at_k(ranking, qrels, 5) == pytest.approx(2 / 5)
    # AP = (1/1 + 2/3) / 3 relevant
    assert average_precision(ranking, qrels) == pytest.approx((1 + 2 / 3) / 3)
    assert mrr_at_k(ranking, qrels) == 1.0


def test_precision_divides_by_k_when_fewer_results():
    assert precision_at_k(["g"], {"g": 1}, 5) == pytest.approx(0.2)


def test_empty_results_score_zero():
    qrels = {"g": 1}
    assert recall_at_k([], qrels, 10) == 0.0
    assert precision_at_k([], qrels, 5) == 0.0
    assert mrr_at_k([], qrels) == 0.0
    assert ndcg_at_k([], qrels) == 0.0
    assert average_precision([], qrels) == 0.0


def test_no_relevant_documents_gives_none_and_is_skipped_in_mean():
    assert query_metrics(["a", "b"], {}) == dict.fromkeys(query_metrics(["a"], {}), None)
    assert query_metrics(["a"], {"a": 0})["recall@1"] is None  # grade 0 = judged non-relevant
    rows = [query_metrics(["a"], {"a": 1}), query_metrics(["a"], {})]
    agg = aggregate(rows)
    assert agg["recall@1"] == 1.0
    assert aggregate([query_metrics(["a"], {})])["mrr@10"] is None


def test_ndcg_graded_relevance_hand_computed():
    # grades: a=3, b=2, c=1; ranking puts c first, then x (irrelevant), then a.
    qrels = {"a": 3, "b": 2, "c": 1}
    ranking = ["c", "x", "a"]
    dcg = 1 / math.log2(2) + 3 / math.log2(4)
    idcg = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(ranking, qrels, 10) == pytest.approx(dcg / idcg)
    assert ndcg_at_k(["a", "b", "c"], qrels, 10) == pytest.approx(1.0)
    # the cut-off applies to the ideal ranking too
    assert ndcg_at_k(["a"], qrels, 1) == pytest.approx(1.0)


def test_ndcg_binary_single_relevant_at_rank_2():
    assert ndcg_at_k(["x", "g"], {"g": 1}) == pytest.approx(1 / math.log2(3))


def test_dedupe_keeps_first_position_for_doc_level():
    chunk_docs = ["d1", "d1", "d2", "d1", "d3", "d2"]
    assert dedupe(chunk_docs) == ["d1", "d2", "d3"]
    # doc-level: d3 is rank 3 after dedupe, not rank 5
    assert mrr_at_k(dedupe(chunk_docs), {"d3": 1}) == pytest.approx(1 / 3)


def test_ties_broken_by_id_reproducibly():
    scored = [("b", 0.5), ("a", 0.5), ("c", 0.9), ("d", 0.1)]
    assert ranking_from_scores(scored) == ["c", "a", "b", "d"]
    assert ranking_from_scores(reversed(scored)) == ["c", "a", "b", "d"]
    assert mrr_at_k(ranking_from_scores(scored), {"b": 1}) == pytest.approx(1 / 3)


def test_precision_rejects_nonpositive_k():
    with pytest.raises(ValueError, match="k must be positive"):
        precision_at_k(["a"], {"a": 1}, 0)


def test_percentiles_and_latency_summary():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    assert percentile(values, 50) == 3.0
    assert percentile(values, 95) == pytest.approx(4.8)  # linear interpolation: 4 + 0.8 * (5 - 4)
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile(values, 101)
    summary = latency_summary([0.2, 0.1])
    assert summary["p50"] == pytest.approx(0.15)
    assert summary["max"] == 0.2
    assert latency_summary([])["mean"] is None
