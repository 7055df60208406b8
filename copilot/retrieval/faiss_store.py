"""FAISS inner-product index over normalised vectors (the only module importing faiss)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import faiss
import numpy as np

# One query at a time: OpenMP worker threads only add spin-wait overhead (100x slower on a busy
# 2-core machine), so searches run single-threaded.
faiss.omp_set_num_threads(1)


# Above this many vectors "auto" switches from exact search to IVF-flat: exact search costs about
# 1 ms per 10k vectors per query on one core, so 200k chunks is where it nears a 20 ms budget.
# IVF rather than HNSW (issue 14, seventh pass, docs/benchmarks/retrieval.md): on topics that overlap
# (real MiniLM chunk embeddings as centres) IVF reaches recall@10 0.957 at 1M with 192 of 2,000 lists
# and 0.973 with 256, HNSW only 0.80 at efSearch 128; IVF builds in seconds instead of tens of
# minutes, needs 15% less memory and costs the same per hybrid query. HNSW stays available (``hnsw``).
APPROX_ABOVE = 200_000
EF_SEARCH = 128
NPROBE_MIN = 256  # IVF lists visited per query, at least; and at least one list in PROBE_SHARE
PROBE_SHARE = 8
KMEANS_ITER = 10
TRAIN_PER_LIST = 40


def resolve_kind(kind: str, count: int, approx_above: int = APPROX_ABOVE) -> str:
    """``auto`` -> ``flat`` up to ``approx_above`` vectors, ``ivf`` above; other kinds unchanged."""
    if kind == "auto":
        return "ivf" if count > approx_above else "flat"
    return kind


def nprobe_for(nlist: int) -> int:
    """Lists an IVF search visits: ``NPROBE_MIN`` or an eighth of the lists, whichever is more (recall@10
    >= 0.95 on overlapping topics at 200k and 1M vectors), never more than there are."""
    return min(nlist, max(NPROBE_MIN, -(-nlist // PROBE_SHARE)))


@contextmanager
def _build_threads() -> Iterator[None]:
    """Building is a batch job (ingest): use both cores, then return to one thread for searches."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(min(2, os.cpu_count() or 1))
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def nlist_for(count: int) -> int:
    """Number of IVF lists: about 2 x sqrt(n) (1M vectors -> 2,000 lists of ~500), at least 1."""
    return max(1, min(count // TRAIN_PER_LIST, int(2 * count ** 0.5)))


def _build_ivf(vectors: np.ndarray, dim: int) -> faiss.Index:
    nlist = nlist_for(len(vectors))
    quantizer = faiss.IndexFlatIP(dim)
    index = faiss.IndexIVFFlat(quantizer, dim, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.niter = KMEANS_ITER
    index.cp.max_points_per_centroid = TRAIN_PER_LIST * 2
    step = max(1, len(vectors) // (nlist * TRAIN_PER_LIST))
    with _build_threads():
        index.train(np.ascontiguousarray(vectors[::step], dtype=np.float32))
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    index.nprobe = nprobe_for(nlist)
    return index


def build(vectors: np.ndarray, kind: str = "flat") -> faiss.Index:
    """IndexFlatIP (exact), IndexIVFFlat or IndexHNSWFlat with inner product (approximate) over
    ``vectors``; ``auto`` chooses by size (see :func:`resolve_kind`)."""
    dim = int(vectors.shape[1])
    kind = resolve_kind(kind, len(vectors))
    index: faiss.Index
    if kind == "ivf" and len(vectors):
        return _build_ivf(vectors, dim)
    if kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, 32, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if len(vectors):
        with _build_threads():
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def save(index: faiss.Index, path: Path) -> None:
    faiss.write_index(index, str(path))


def load(path: Path) -> faiss.Index:
    index = faiss.read_index(str(path))
    if isinstance(index, faiss.IndexHNSW):
        index.hnsw.efSearch = max(index.hnsw.efSearch, EF_SEARCH)
    if isinstance(index, faiss.IndexIVF):
        index.nprobe = max(index.nprobe, nprobe_for(index.nlist))
    return index


# A filter allowing at most this many rows is searched exactly over those rows' vectors (a pre-filter:
# 20k x 384 floats is ~3 ms); a broader one through the index with a bitmap of the allowed rows.
EXACT_BELOW = 20_000


def search(index: faiss.Index, query: np.ndarray, k: int, allowed: np.ndarray | None = None,
           vectors: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Top ``k`` (scores, ids) for one query vector; ``allowed`` (ascending row ids) restricts the ids
    searched. With ``vectors`` (the index's rows, e.g. memory-mapped) a narrow filter is searched exactly."""
    if index.ntotal == 0 or k <= 0:
        return np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.int64)
    q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
    k = min(k, index.ntotal)
    if allowed is not None and isinstance(vectors, np.ndarray) and len(allowed) <= EXACT_BELOW:
        return _exact_over(vectors, q[0], k, allowed)
    if allowed is None:
        scores, ids = index.search(q, k)
    else:
        mask = np.zeros(index.ntotal, dtype=bool)
        mask[allowed] = True
        bitmap = np.packbits(mask, bitorder="little")  # faiss reads bit i of byte i >> 3, low bit first
        sel = faiss.IDSelectorBitmap(index.ntotal, faiss.swig_ptr(bitmap))
        params = (faiss.SearchParametersHNSW(sel=sel, efSearch=max(EF_SEARCH, k))  # type: ignore[attr-defined]
                  if isinstance(index, faiss.IndexHNSW)
                  else faiss.SearchParametersIVF(sel=sel, nprobe=index.nprobe)  # type: ignore[attr-defined]
                  if isinstance(index, faiss.IndexIVF)
                  else faiss.SearchParameters(sel=sel))  # type: ignore[call-arg]
        scores, ids = index.search(q, k, params=params)
        del bitmap  # kept alive until the search has returned (the selector holds a raw pointer)
    keep = ids[0] >= 0
    return scores[0][keep], ids[0][keep]


def _exact_over(vectors: np.ndarray, q: np.ndarray, k: int, allowed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rows = np.asarray(allowed, dtype=np.int64)
    sims = np.asarray(vectors[rows], dtype=np.float32) @ q
    k = min(k, len(rows))
    part = np.argpartition(-sims, k - 1)[:k] if k < len(rows) else np.arange(len(rows))
    order = part[np.argsort(-sims[part], kind="stable")]
    return sims[order], rows[order]
