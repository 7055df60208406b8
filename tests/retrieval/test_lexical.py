"""SparseLexical (scores computed where needed, MaxScore pruning) equals bm25s's full score array."""

from __future__ import annotations

import numpy as np
import pytest

from copilot.retrieval import lexical as lx
from copilot.retrieval.bm25 import BM25Index

N = 3000


@pytest.fixture(scope="module")
def fields() -> tuple[BM25Index, BM25Index]:
    rng = np.random.default_rng(0)
    probs = 1 / np.arange(1, 501)
    words = rng.choice(500, size=(N, 30), p=probs / probs.sum())  # Zipf: w1 is in almost every chunk
    body = BM25Index.build([" ".join(f"w{w}" for w in row) for row in words])
    head = BM25Index.build([f"doc {i // 20} w{rng.integers(1, 40)}" for i in range(N)])
    return body, head


def full_scores(body: BM25Index, head: BM25Index, query: str, weight_head: float) -> np.ndarray:
    """The previous computation: bm25s's array for the body plus the weighted heading field."""
    scores = body.scores(query).copy()
    if weight_head:
        h = head.scores(query)
        rows = np.flatnonzero(h)
        scores[rows] += np.float32(weight_head) * h[rows]
    return scores


def sparse(body: BM25Index, head: BM25Index, query: str, weight_head: float) -> lx.SparseLexical:
    used = [body, head] if weight_head else [body]
    return lx.SparseLexical.for_query([f.model for f in used], [f.token_ids(query) for f in used], N, weight_head)


def test_same_top_rows_and_scores_as_the_full_array(fields) -> None:
    body, head = fields
    rng = np.random.default_rng(1)
    pruned = 0
    for q in range(120):
        query = " ".join(f"w{int(x)}" for x in rng.zipf(1.2, rng.integers(1, 6)) if x < 500) or "w1"
        weight = 0.5 if q % 2 else 0.0
        allowed = None if q % 3 else np.sort(rng.choice(N, size=N // 2 if q % 4 else 40, replace=False))
        full = lx.DenseLexical(full_scores(body, head, query, weight))
        lazy = sparse(body, head, query, weight)
        for n in (1, 10, 50, 200):
            assert lazy.top(n, allowed) == full.top(n, allowed), (query, weight, n)
        rows = rng.integers(0, N, 40).tolist()
        assert np.array_equal(lazy.at(rows), full.at(rows))  # bit for bit
        assert lazy.max() == full.max()
        pruned += lazy._dense is None
    assert pruned > 20  # the pruned path (no full array) really ran


def test_query_of_frequent_words_only(fields) -> None:
    body, head = fields
    lazy = sparse(body, head, "w1 w2", 0.5)
    top = lazy.top(50, None)
    assert top == lx.DenseLexical(full_scores(body, head, "w1 w2", 0.5)).top(50, None)


def test_unknown_words_score_nothing(fields) -> None:
    body, head = fields
    lazy = sparse(body, head, "nosuchword", 0.5)
    assert lazy.top(10, None) == [] and lazy.max() == 0.0 and lazy[5] == 0.0
