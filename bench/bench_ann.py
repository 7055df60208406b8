"""Approximate vs exact dense search at archive scale: recall@10, p50/p95 per query, build time, memory.

    .venv/bin/python bench/bench_ann.py --sizes 100000 1000000 [--queries 200] [--kind hnsw|ivf|auto]
        [--nprobe 16 32 48 64]   # IVF only: also report recall and latency at these nprobe values
        [--centres-from IDX/index/gen-*/vectors.npy ...] [--noise 0.055] [--efsearch 256 512]  # HNSW sweep

Vectors are synthetic but shaped like sentence embeddings: 2,000 topic centres on the unit sphere,
each vector a centre plus Gaussian noise (cosine to its centre about 0.6), normalised; queries are
drawn the same way. ``--centres-from`` takes the centres from real MiniLM chunk embeddings instead
(correlated, fewer than the IVF lists at 1M, so the lists do not line up with the topics).
``copilot.retrieval.faiss_store`` builds the indexes exactly as ingestion does
(``auto`` picks HNSW above 200k vectors; ``ivf`` is IVF-flat). Recall@10 = share of the exact top 10 that the approximate
search returns. Memory is the serialised index size (what ``faiss.index`` occupies on disk and,
once loaded, in RAM) besides ``vectors.npy`` which is memory-mapped; ``peak_rss_mb`` is the process's
peak resident memory (it also holds the exact index and the raw vectors used for the comparison).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.retrieval import faiss_store  # noqa: E402


def clustered(n: int, dim: int, rng: np.random.Generator, centres: np.ndarray, noise: float = 0.055) -> np.ndarray:
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        v = centres[rng.integers(0, len(centres), m)] + rng.standard_normal((m, dim)).astype(np.float32) * noise
        out[start:start + m] = v / np.linalg.norm(v, axis=1, keepdims=True)
    return out


def p95(x: list[float]) -> float:
    return round(sorted(x)[int(0.95 * (len(x) - 1))], 2)


def measure(exact, approx, qs: np.ndarray) -> dict:
    recalls, t_exact, t_approx = [], [], []
    for q in qs:
        t = time.perf_counter()
        _, ids_e = faiss_store.search(exact, q, 10)
        t_exact.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        _, ids_a = faiss_store.search(approx, q, 10)
        t_approx.append((time.perf_counter() - t) * 1000)
        recalls.append(len(set(ids_e.tolist()) & set(ids_a.tolist())) / 10)
    return {"recall@10": round(statistics.mean(recalls), 4), "approx_p50_ms": round(statistics.median(t_approx), 2),
            "approx_p95_ms": p95(t_approx), "exact_p50_ms": round(statistics.median(t_exact), 2),
            "exact_p95_ms": p95(t_exact)}


def real_centres(files: list[Path]) -> np.ndarray:
    """Real chunk embeddings (``vectors.npy`` of ingested indexes) to use as the topic centres."""
    c = np.concatenate([np.load(f) for f in files]).astype(np.float32)
    return c / np.linalg.norm(c, axis=1, keepdims=True)


def run(n: int, dim: int, queries: int, kind: str, nprobes: list[int], centres_from: list[Path] | None = None,
        noise: float = 0.055, efsearch: list[int] | None = None) -> dict:
    rng = np.random.default_rng(0)
    if centres_from:
        centres = real_centres(centres_from)
        dim = centres.shape[1]
    else:
        centres = rng.standard_normal((2000, dim)).astype(np.float32)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    vecs = clustered(n, dim, rng, centres, noise)
    qs = clustered(queries, dim, rng, centres, noise)
    exact = faiss_store.build(vecs, "flat")
    t0 = time.perf_counter()
    approx = faiss_store.build(vecs, kind)
    build_s = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmp:
        faiss_store.save(approx, Path(tmp) / "a.index")
        size_mb = (Path(tmp) / "a.index").stat().st_size / 2**20
        approx = faiss_store.load(Path(tmp) / "a.index")
    row = {"vectors": n, "kind": faiss_store.resolve_kind(kind, n), "centres": len(centres), "noise": noise,
           "cos_to_centre": round(float(np.mean(np.max(vecs[:2000] @ centres.T, axis=1))), 3),
           **measure(exact, approx, qs),
           "build_s": round(build_s, 1), "index_mb": round(size_mb, 1), "vectors_mb": round(vecs.nbytes / 2**20, 1),
           "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if hasattr(approx, "hnsw") and efsearch:
        default = approx.hnsw.efSearch
        row["sweep_efsearch"] = {}
        for e in efsearch:
            approx.hnsw.efSearch = e
            m = measure(exact, approx, qs)
            row["sweep_efsearch"][e] = {k: m[k] for k in ("recall@10", "approx_p50_ms", "approx_p95_ms")}
        approx.hnsw.efSearch = default
    if hasattr(approx, "nprobe"):
        row["nprobe"] = approx.nprobe
        row["nlist"] = approx.nlist
        default = approx.nprobe
        row["sweep"] = {}
        for p in nprobes:
            approx.nprobe = p
            m = measure(exact, approx, qs)
            row["sweep"][p] = {k: m[k] for k in ("recall@10", "approx_p50_ms", "approx_p95_ms")}
        approx.nprobe = default
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--dim", type=int, default=384)
    ap.add_argument("--kind", default="hnsw", choices=["hnsw", "ivf", "auto"])
    ap.add_argument("--nprobe", type=int, nargs="*", default=[])
    ap.add_argument("--centres-from", type=Path, nargs="*", help="vectors.npy files of real indexes: their "
                    "chunk embeddings are the topic centres (instead of 2,000 random ones)")
    ap.add_argument("--noise", type=float, default=0.055, help="per-dimension Gaussian noise around a centre")
    ap.add_argument("--efsearch", type=int, nargs="*", default=[], help="HNSW only: also at these efSearch values")
    args = ap.parse_args()
    for n in args.sizes:
        print(json.dumps(run(n, args.dim, args.queries, args.kind, args.nprobe, args.centres_from, args.noise,
                             args.efsearch)),
              flush=True)


if __name__ == "__main__":
    main()
