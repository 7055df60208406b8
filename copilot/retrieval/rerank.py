"""Optional rerank stage: a relevance judge re-scores the best few candidates of the fused ranking.

``retrieval.rerank`` (off by default) names the judge; the judge itself is attached to the retriever
by the layer that owns the model (``retriever.reranker = LLMRelevance(llm)`` from copilot.llm.relevance),
because retrieval does not import the LLM layer. A judge returns, per passage, a relevance in 0..1
(for the local model: P("yes") to "does this passage answer the question").

Blending keeps the fused order as the prior: every candidate's score becomes
``(1 - w) * score / best + w * relevance``, with relevance 0 for candidates that were not judged,
so a judged candidate can only move within or above the unjudged ones by its relevance.
"""

from __future__ import annotations

import logging
from typing import Protocol, TypeVar, runtime_checkable

log = logging.getLogger(__name__)
K = TypeVar("K")


@runtime_checkable
class Reranker(Protocol):
    """Judges how well each passage answers a query (0..1, higher is better)."""

    name: str

    def relevance(self, query: str, passages: list[str]) -> list[float]: ...


def blend(scores: dict[K, float], relevance: dict[K, float], weight: float) -> dict[K, float]:
    """``(1 - weight) * score / best + weight * relevance`` for every key of ``scores`` (relevance 0 if absent)."""
    if not scores:
        return {}
    best = max(scores.values())
    scale = 1.0 / best if best > 0 else 1.0
    return {k: (1.0 - weight) * s * scale + weight * float(relevance.get(k, 0.0)) for k, s in scores.items()}


def judge(reranker: Reranker, query: str, passages: dict[K, str]) -> dict[K, float]:
    """Relevance of each passage (keys kept); an empty dict when the judge fails (the fused order stands)."""
    if not passages:
        return {}
    keys = list(passages)
    try:
        values = reranker.relevance(query, [passages[k] for k in keys])
    except Exception as exc:  # noqa: BLE001 - a failing judge must not fail the search
        log.warning("rerank (%s) failed, keeping the fused order: %s", getattr(reranker, "name", "?"), exc)
        return {}
    if len(values) != len(keys):
        log.warning("rerank (%s) returned %d scores for %d passages; ignored", reranker.name, len(values), len(keys))
        return {}
    return {k: min(1.0, max(0.0, float(v))) for k, v in zip(keys, values, strict=True)}
