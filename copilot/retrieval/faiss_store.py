"""FAISS inner-product index over normalised vectors (the only module importing faiss)."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

# One query at a time: OpenMP worker threads only add spin-wait overhead (100x slower on a busy
# 2-core machine), so searches run single-threaded.
faiss.omp_set_num_threads(1)


# Above this many vectors "auto" switches from exact search to HNSW: exact search costs about
# 1 ms per 10k vectors per query on one core, so 200k chunks is where it nears a 20 ms budget.
APPROX_ABOVE = 200_000
EF_SEARCH = 128


def resolve_kind(kind: str, count: int, approx_above: int = APPROX_ABOVE) -> str:
    """``auto`` -> ``flat`` up to ``approx_above`` vectors, ``hnsw`` above; other kinds unchanged."""
    if kind == "auto":
        return "hnsw" if count > approx_above else "flat"
    return kind


def build(vectors: np.ndarray, kind: str = "flat") -> faiss.Index:
    """IndexFlatIP (exact) or IndexHNSWFlat with inner product (approximate) over ``vectors``;
    ``auto`` chooses by size (see :func:`resolve_kind`)."""
    dim = int(vectors.shape[1])
    kind = resolve_kind(kind, len(vectors))
    index: faiss.Index
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def save(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = max(index.hnsw.efSearch, EF_SEARCH)
    return index


def search(index: faiss.Index, query: np.ndarray, k: int,
           allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` (scores, ids) for one query vector; ``allowed`` restricts the ids searched."""
    if index.ntotal == 0 or k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    k = min(k, index.ntotal)
    if allowed is None:
        scores, ids = index.search(q, k)
    else:
        sel = faiss.IDSelectorBatch(np.ascontiguousarray(allowed, dtype=np.int64))
        params = (faiss.SearchParametersHNSW(sel=sel, efSearch=max(EF_SEARCH, k))  # type: ignore[attr-defined]
                  if isinstance(index, faiss.IndexHNSW)
                  else faiss.SearchParameters(sel=sel))  # type: ignore[call-arg]
        scores, ids = index.search(q, k, params=params)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]
