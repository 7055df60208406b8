"""Candidate generation and scoring for one query over one index generation.

``score_candidates`` returns candidate row -> score for a mode: ``bm25`` (body BM25 plus the
field-boosted heading path), ``dense`` (cosine from FAISS) or ``hybrid`` (both, plus exact code
matches and defined-term matches, fused by calibrated scores or weighted RRF; see
copilot.retrieval.ranking). ``gen`` is the retriever's loaded generation (bm25, head, terms,
faiss, vectors, count, query()).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from copilot.config import RetrievalSettings
from copilot.retrieval import faiss_store
from copilot.retrieval.bm25 import BM25Index
from copilot.retrieval.fusion import rrf
from copilot.retrieval.lexical import DenseLexical, SparseLexical
from copilot.retrieval.ranking import fuse, scale_dense, top_ids
from copilot.retrieval.tokenize import codes_in_query

Scored = tuple[dict[int, float], np.ndarray | None, "Lexical", dict[int, int]]
Lexical = DenseLexical | SparseLexical


def exact(gen: Any, codes: list[str], n: int, allowed: np.ndarray | None,
          lexical: Lexical) -> tuple[list[int], dict[int, int]]:
    """Rows containing the query's codes (most distinct codes first, then by lexical score)."""
    if not codes:
        return [], {}
    marks = ",".join("?" * len(codes))
    rows = gen.query(f"SELECT idx, COUNT(DISTINCT code) FROM codes WHERE code IN ({marks}) GROUP BY idx", codes)
    matched = {int(i): int(c) for i, c in rows}
    if allowed is not None and matched:
        keep = np.isin(np.fromiter(matched, dtype=np.int64), allowed)
        matched = {i: c for (i, c), ok in zip(matched.items(), keep, strict=True) if ok}
    rows = sorted(matched)
    lex = dict(zip(rows, lexical.at(rows).tolist(), strict=True)) if rows else {}
    ranked = sorted(matched, key=lambda i: (-matched[i], -lex[i], i))[:n]
    return ranked, matched


def lexical_scores(gen: Any, cfg: RetrievalSettings, query: str) -> Lexical:
    """BM25 over the body plus the field-boosted heading path (title > section), scored lazily when the
    generation is a single bm25s index (see copilot.retrieval.lexical), else as one array."""
    head = gen.head if cfg.weight_head > 0 else None
    fields = [f for f in (gen.bm25, head) if f is not None]
    if all(isinstance(f, BM25Index) and f.sparse_ready() for f in fields):
        return SparseLexical.for_query([f.model for f in fields], [f.token_ids(query) for f in fields],
                                       gen.count, cfg.weight_head)
    return DenseLexical(_dense_scores(gen, cfg, query))


def _dense_scores(gen: Any, cfg: RetrievalSettings, query: str) -> np.ndarray:
    scores = np.asarray(gen.bm25.scores(query), dtype=np.float32)  # a fresh array per query: added to in place
    if cfg.weight_head > 0 and gen.head is not None:
        head = gen.head.scores(query)
        rows = np.flatnonzero(head)  # the heading field matches few rows: add only those
        scores[rows] += np.float32(cfg.weight_head) * head[rows]
    return scores


def score_candidates(gen: Any, cfg: RetrievalSettings, query: str, qvec: np.ndarray | None, mode: str, n: int,
                     allowed: np.ndarray | None) -> Scored:
    """(candidate -> score, query vector, lexical scores of every row, exact code matches)."""
    if mode == "bm25":
        lexical = lexical_scores(gen, cfg, query)
        ids = lexical.top(n, allowed)
        return dict(zip(ids, lexical.at(ids).tolist(), strict=True)), None, lexical, {}
    if qvec is None:
        raise ValueError(f"mode {mode} needs a query vector")
    cos, ids = faiss_store.search(gen.faiss, qvec, n, allowed, gen.vectors)
    dense = {int(i): float(c) for c, i in zip(cos, ids, strict=True)}
    if mode == "dense":
        return dense, qvec, DenseLexical(np.zeros(0, dtype=np.float32)), {}
    lexical = lexical_scores(gen, cfg, query)
    lex_ids = lexical.top(n, allowed)
    exact_ids, matched = exact(gen, codes_in_query(query), n, allowed, lexical)
    terms = gen.terms.match(query) if cfg.weight_terms > 0 else {}
    if allowed is not None and terms:
        keep = np.isin(np.fromiter(terms, dtype=np.int64), allowed)
        terms = {i: v for (i, v), ok in zip(terms.items(), keep, strict=True) if ok}
    weights = {"dense": cfg.weight_dense, "bm25": cfg.weight_bm25, "exact": cfg.weight_exact,
               "terms": cfg.weight_terms}
    if cfg.fusion == "rrf":
        rankings = {"dense": list(dense), "bm25": lex_ids, "exact": exact_ids, "terms": top_ids(terms, n)}
        return rrf(rankings, weights, cfg.rrf_k), qvec, lexical, matched
    top_lex = lexical.max()  # scale_lexical, for the candidates only
    cands = set(dense) | set(lex_ids) | set(exact_ids) | set(terms)
    order = sorted(cands)
    lex = dict(zip(order, lexical.at(order).tolist(), strict=True)) if order else {}
    cos_all = {i: (dense[i] if i in dense else float(np.dot(gen.vectors[i], qvec))) for i in cands}
    floor = min(dense.values()) if dense else 0.0
    scaled_dense = scale_dense({**cos_all, -1: floor})  # the dense list's floor maps to 0
    scaled_dense.pop(-1, None)
    top_code = max(matched.values(), default=1)
    features = {"dense": {i: max(0.0, v) for i, v in scaled_dense.items()},
                "bm25": {i: (lex[i] / top_lex if top_lex > 0 else 0.0) for i in cands},
                "exact": {i: matched[i] / top_code for i in exact_ids},
                "terms": terms}
    return fuse(features, weights), qvec, lexical, matched
