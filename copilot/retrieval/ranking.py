"""Calibrated score fusion of the retrievers and document-level ranking (pure functions, numpy only).

Score fusion: each retriever's score is put on a 0..1 scale for this query, then combined convexly:

* lexical (BM25 body + field-boosted heading path): divided by the best lexical score of the query
  (BM25's theoretical minimum is 0, so this keeps "no match" at 0);
* dense (cosine): ``(cos - floor) / (best - floor)`` where ``floor`` is the lowest cosine among the
  dense candidates, so the dense list is spread over 0..1 like the lexical one;
* exact code matches and defined-term matches are already 0..1.

Unlike rank fusion, a weak dense list cannot pull a strong lexical hit down: a document far ahead
on BM25 keeps its margin (the failure of plain RRF on the EU AI Act definitions).

Document ranking: a document's score aggregates the scores of its chunks among the candidates.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np


def scale_lexical(scores: np.ndarray) -> np.ndarray:
    """BM25 scores divided by the query's best score (all zeros stay zeros)."""
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else np.zeros_like(scores)


def scale_dense(cosines: dict[int, float]) -> dict[int, float]:
    """Min-max scaling of the dense candidates' cosines to 0..1 (one candidate gets 1)."""
    if not cosines:
        return {}
    values = np.fromiter(cosines.values(), dtype=np.float64)
    lo, hi = float(values.min()), float(values.max())
    span = hi - lo
    return {i: ((c - lo) / span if span > 1e-9 else 1.0) for i, c in cosines.items()}


def fuse(features: dict[str, dict[int, float]], weights: dict[str, float]) -> dict[int, float]:
    """Weighted sum of already-scaled features over every candidate that appears in any of them."""
    fused: dict[int, float] = {}
    for name, values in features.items():
        w = weights.get(name, 0.0)
        if w <= 0:
            continue
        for idx, v in values.items():
            fused[idx] = fused.get(idx, 0.0) + w * v
    return fused


def aggregate_documents(scores: dict[int, float], chunk_doc: np.ndarray, how: str = "max",
                        decay: float = 0.5) -> dict[int, float]:
    """Per document (``chunk_doc[idx]`` = document ordinal) score from its chunks' scores.

    ``max``: the best passage (MaxP); ``decay``: best + decay * second + decay^2 * third, so a
    document with several matching passages edges out one with a single lucky passage while the
    best passage still dominates (a short document is not punished for having one chunk)."""
    per_doc: dict[int, list[float]] = {}
    for idx, s in scores.items():
        per_doc.setdefault(int(chunk_doc[idx]), []).append(s)
    out: dict[int, float] = {}
    for doc, values in per_doc.items():
        values.sort(reverse=True)
        if how == "max":
            out[doc] = values[0]
        elif how == "decay":
            out[doc] = sum(v * decay ** j for j, v in enumerate(values[:3]))
        else:
            raise ValueError(f"unknown document aggregation {how!r}; choose max or decay")
    return out


def top_ids(scores: dict[int, float], n: int) -> list[int]:
    """Keys of ``scores`` by descending score (ties by id), at most ``n``."""
    return sorted(scores, key=lambda i: (-scores[i], i))[:n]


def ranks_to_scores(ids: Iterable[int]) -> dict[int, float]:
    """Linear 1..0 scores for an already ranked list (for rankings that carry no score)."""
    ids = list(ids)
    return {i: 1.0 - r / len(ids) for r, i in enumerate(ids)} if ids else {}
