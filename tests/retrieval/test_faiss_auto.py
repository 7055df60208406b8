"""FAISS kind selection by size and the approximate index's recall against exact search."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.retrieval import faiss_store


def test_auto_switches_to_ivf_above_the_threshold() -> None:
    assert faiss_store.resolve_kind("auto", 10) == "flat"
    assert faiss_store.resolve_kind("auto", faiss_store.APPROX_ABOVE) == "flat"
    assert faiss_store.resolve_kind("auto", faiss_store.APPROX_ABOVE + 1) == "ivf"
    assert faiss_store.resolve_kind("flat", 10**7) == "flat"
    assert faiss_store.resolve_kind("hnsw", 10) == "hnsw"
    assert faiss_store.resolve_kind("auto", 50, approx_above=10) == "ivf"
    assert faiss_store.nlist_for(1_000_000) == 2000
    assert faiss_store.nlist_for(3000) == 75


def test_ivf_visits_at_least_an_eighth_of_its_lists() -> None:
    assert faiss_store.nprobe_for(2000) == 256  # 1M vectors: the measured 0.97 recall on overlapping topics
    assert faiss_store.nprobe_for(4000) == 500  # 4M: an eighth of the lists
    assert faiss_store.nprobe_for(75) == 75  # never more lists than there are


@pytest.mark.parametrize(("kind", "cls"), [("hnsw", "IndexHNSWFlat"), ("ivf", "IndexIVFFlat")])
def test_approximate_recall_at_10_against_exact(kind: str, cls: str, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(faiss_store, "NPROBE_MIN", 4)  # 10 of 75 lists, not all of them, at this size
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((50, 64)).astype(np.float32)
    pick = rng.integers(0, 50, 3000)
    vecs = centres[pick] + 0.3 * rng.standard_normal((3000, 64)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    exact, approx = faiss_store.build(vecs, "flat"), faiss_store.build(vecs, kind)
    faiss_store.save(approx, tmp_path / "a.index")
    approx = faiss_store.load(tmp_path / "a.index")  # the search settings survive a save and load
    assert type(approx).__name__ == cls
    if kind == "ivf":
        assert (approx.nlist, approx.nprobe) == (75, 10)
    recalls = []
    for q in vecs[rng.integers(0, 3000, 40)] + 0.05:
        q = q / np.linalg.norm(q)
        _, e = faiss_store.search(exact, q, 10)
        _, a = faiss_store.search(approx, q, 10)
        recalls.append(len(set(e.tolist()) & set(a.tolist())) / 10)
    assert np.mean(recalls) >= 0.95
    allowed = np.arange(0, 3000, 2)
    _, ids = faiss_store.search(approx, vecs[4], 5, allowed)
    assert len(ids) == 5 and all(i % 2 == 0 for i in ids.tolist())


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivf"])
def test_filtered_search_narrow_exact_and_broad_bitmap(kind: str) -> None:
    """A narrow filter is searched exactly over the allowed rows' vectors; a broad one through the
    index with a bitmap selector; both return only allowed rows, best first."""
    rng = np.random.default_rng(5)
    vecs = rng.standard_normal((3000, 32)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    index = faiss_store.build(vecs, kind)
    q = vecs[7] + 0.1 * rng.standard_normal(32).astype(np.float32)
    narrow = np.sort(rng.choice(3000, 60, replace=False))
    scores, ids = faiss_store.search(index, q, 5, narrow, vecs)
    truth = narrow[np.argsort(-(vecs[narrow] @ q))[:5]]
    assert ids.tolist() == truth.tolist()  # exact, whatever the index kind
    assert np.allclose(scores, vecs[ids] @ q, atol=1e-5)
    broad = np.flatnonzero(np.arange(3000) % 3 != 0)
    old, faiss_store.EXACT_BELOW = faiss_store.EXACT_BELOW, 100  # force the bitmap path at this size
    try:
        _, ids = faiss_store.search(index, q, 10, broad, vecs)
    finally:
        faiss_store.EXACT_BELOW = old
    assert len(ids) == 10 and all(i % 3 != 0 for i in ids.tolist())
    best = broad[np.argsort(-(vecs[broad] @ q))[:10]]
    assert len(set(ids.tolist()) & set(best.tolist())) >= 8
