"""Retrieval and latency metrics: pure functions over rankings and graded relevance judgements.

Conventions (also in eval/datasets/README.md):

* A *ranking* is the ordered list of ids a retriever returned (best first). For document-level
  evaluation, chunk hits are mapped to their ``doc_id`` and repeated documents are removed,
  keeping the first (best) position: :func:`dedupe`.
* *qrels* map an id to a graded relevance (int). Grade > 0 means relevant.
* Queries without any relevant id are *skipped* (metrics return ``None``) and are counted
  separately; averages are taken over the remaining queries.
* precision@k divides by k even when fewer than k results came back.
* nDCG uses linear gain ``grade / log2(rank + 1)`` (as trec_eval / BEIR do); the ideal DCG
  sorts all judged grades, not only retrieved ones.
* MAP is the mean of average precision over the whole returned ranking.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np

Qrels = dict[str, int]


def dedupe(ids: Iterable[str]) -> list[str]:
    """Keep the first occurrence of every id, preserving order."""
    seen: set[str] = set()
    out: list[str] = []
    for i in ids:
        if i not in seen:
            seen.add(i)
            out.append(i)
    return out


def ranking_from_scores(scored: Iterable[tuple[str, float]]) -> list[str]:
    """Order ``(id, score)`` pairs best first; ties are broken by id (ascending) so runs are reproducible."""
    return [i for i, _ in sorted(scored, key=lambda p: (-p[1], p[0]))]


def _relevant(qrels: Qrels) -> set[str]:
    return {i for i, g in qrels.items() if g > 0}


def recall_at_k(ranking: Sequence[str], qrels: Qrels, k: int) -> float | None:
    """Share of relevant ids found in the top k; None when the query has no relevant id."""
    rel = _relevant(qrels)
    if not rel:
        return None
    return len(rel.intersection(ranking[:k])) / len(rel)


def precision_at_k(ranking: Sequence[str], qrels: Qrels, k: int) -> float | None:
    """Relevant ids in the top k divided by k; None when the query has no relevant id."""
    rel = _relevant(qrels)
    if not rel:
        return None
    if k <= 0:
        raise ValueError(f"k must be positive, got {k}")
    return sum(1 for i in ranking[:k] if i in rel) / k


def mrr_at_k(ranking: Sequence[str], qrels: Qrels, k: int = 10) -> float | None:
    """1 / rank of the first relevant id within the top k (0 if none); None without relevant ids."""
    rel = _relevant(qrels)
    if not rel:
        return None
    for pos, i in enumerate(ranking[:k], start=1):
        if i in rel:
            return 1.0 / pos
    return 0.0


def ndcg_at_k(ranking: Sequence[str], qrels: Qrels, k: int = 10) -> float | None:
    """Normalised discounted cumulative gain with graded relevance (linear gain)."""
    if not _relevant(qrels):
        return None
    dcg = sum(qrels.get(i, 0) / math.log2(pos + 1) for pos, i in enumerate(ranking[:k], start=1)
              if qrels.get(i, 0) > 0)
    ideal = sorted((g for g in qrels.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(pos + 1) for pos, g in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


def average_precision(ranking: Sequence[str], qrels: Qrels) -> float | None:
    """Average precision over the whole ranking; None without relevant ids."""
    rel = _relevant(qrels)
    if not rel:
        return None
    hits = 0
    total = 0.0
    for pos, i in enumerate(ranking, start=1):
        if i in rel:
            hits += 1
            total += hits / pos
    return total / len(rel)


RETRIEVAL_METRICS = ("recall@1", "recall@5", "recall@10", "precision@5", "mrr@10", "ndcg@10", "map")


def query_metrics(ranking: Sequence[str], qrels: Qrels) -> dict[str, float | None]:
    """Every retrieval metric for one query (ranking already deduped when doc-level)."""
    return {
        "recall@1": recall_at_k(ranking, qrels, 1),
        "recall@5": recall_at_k(ranking, qrels, 5),
        "recall@10": recall_at_k(ranking, qrels, 10),
        "precision@5": precision_at_k(ranking, qrels, 5),
        "mrr@10": mrr_at_k(ranking, qrels, 10),
        "ndcg@10": ndcg_at_k(ranking, qrels, 10),
        "map": average_precision(ranking, qrels),
    }


def mean_or_none(values: Iterable[float | None]) -> float | None:
    """Mean of the non-None values; None when there are none."""
    vals = [v for v in values if v is not None]
    return float(sum(vals) / len(vals)) if vals else None


def aggregate(per_query: Sequence[dict[str, float | None]], names: Sequence[str] = RETRIEVAL_METRICS
              ) -> dict[str, float | None]:
    """Average every metric over the queries where it is defined."""
    return {n: mean_or_none(q.get(n) for q in per_query) for n in names}


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100, linear interpolation); None for no values."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    return float(np.percentile(np.asarray(values, dtype=float), q))


def latency_summary(seconds: Sequence[float]) -> dict[str, float | None]:
    """p50, p95, mean and max of a list of durations in seconds."""
    return {
        "p50": percentile(seconds, 50),
        "p95": percentile(seconds, 95),
        "mean": float(np.mean(seconds)) if len(seconds) else None,
        "max": float(max(seconds)) if len(seconds) else None,
    }
