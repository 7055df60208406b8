"""Weighted reciprocal rank fusion."""

from __future__ import annotations


def rrf(rankings: dict[str, list[int]], weights: dict[str, float], k: int) -> dict[int, float]:
    """score(d) = sum over retrievers r of weight_r / (k + rank_r(d)), ranks starting at 1."""
    fused: dict[int, float] = {}
    for name, ids in rankings.items():
        w = weights.get(name, 1.0)
        if w <= 0:
            continue
        for rank, idx in enumerate(ids, start=1):
            fused[idx] = fused.get(idx, 0.0) + w / (k + rank)
    return fused
