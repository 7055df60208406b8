"""Search latency on one large synthetic index generation, built once and kept, so that code
versions can be timed against the same index in one session (issue 14: hybrid p95 and filters at 1M).

    nice -n 19 .venv/bin/python bench/bench_scale_search.py build --workdir /tmp/s1m --size 1000000
    .venv/bin/python bench/bench_scale_search.py time --workdir /tmp/s1m --queries 200
    .venv/bin/python bench/bench_scale_search.py time --workdir /tmp/s1m --code /tmp/old-tree  # older code
    .venv/bin/python bench/bench_scale_search.py profile --workdir /tmp/s1m --queries 40
    nice -n 19 .venv/bin/python bench/bench_scale_search.py reindex --workdir /tmp/s1m --to /tmp/s1m-ivf --faiss ivf

Chunks are bench_retrieval.synthetic's (60 Zipf words of 20,000, an asset code, a `site` facet that
half the documents have per value, three doc types). Vectors: ``clustered`` (default; 2,000 topic
centres as in bench_ann, shaped like sentence embeddings, and an HNSW build ~4x faster than over
random vectors) or ``random``. Queries: Zipf words, an asset code in every fourth. The query vector
comes from the fake embedder, so the figures time the index, not MiniLM. Filters timed: ``all`` (a
facet every document has), ``half`` (site=north), ``narrow`` (10 documents by doc_id, 200 chunks).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def _code_path(argv: list[str]) -> Path:
    """``--code DIR`` imports ``copilot`` from another checkout (e.g. the previous commit)."""
    return Path(argv[argv.index("--code") + 1]).resolve() if "--code" in argv else ROOT


sys.path.insert(0, str(_code_path(sys.argv)))
sys.path.insert(1, str(ROOT / "bench"))

from copilot.config import load_settings  # noqa: E402
from copilot.retrieval import store  # noqa: E402
from copilot.retrieval.embedder import FakeEmbedder  # noqa: E402
from copilot.retrieval.index import open_retriever  # noqa: E402

FILTERS = {"all": {"doc_type": ["sop", "manual", "fmea"]}, "half": {"site": "north"},
           "narrow": {"doc_id": [f"doc{i * 4999}" for i in range(10)]}}


def _settings(workdir: Path, faiss_kind: str = "auto"):
    return load_settings(profile="test", overrides={"data_dir": str(workdir), "retrieval": {"faiss_index": faiss_kind}})


def build(workdir: Path, size: int, vectors: str, faiss_kind: str) -> None:
    from bench_ann import clustered
    from bench_retrieval import synthetic

    settings = _settings(workdir, faiss_kind)
    t0 = time.perf_counter()
    chunks, vecs = synthetic(size, settings.embedder.fake_dim)
    if vectors == "clustered":
        rng = np.random.default_rng(7)
        centres = rng.standard_normal((2000, vecs.shape[1])).astype(np.float32)
        centres /= np.linalg.norm(centres, axis=1, keepdims=True)
        vecs = clustered(size, vecs.shape[1], rng, centres)
    gen = store.new_generation_dir(settings.index_dir)
    store.write_generation(gen, chunks, vecs, [], embedder_name="fake-hash-384", faiss_kind=faiss_kind)
    store.publish(settings.index_dir, gen)
    print(json.dumps({"built": size, "vectors": vectors, "faiss": faiss_kind,
                      "build_s": round(time.perf_counter() - t0, 1)}), flush=True)


def reindex(workdir: Path, to: Path, faiss_kind: str) -> None:
    """A copy of ``workdir``'s generation (hard links) whose FAISS index is rebuilt as ``faiss_kind`` from the
    same vectors: two indexes over identical chunks, to time one against the other in one session."""
    from copilot.retrieval import faiss_store

    src = store.current_generation(_settings(workdir).index_dir)
    if src is None:
        raise SystemExit(f"no index generation in {workdir}")
    dst_index = _settings(to).index_dir
    dst = dst_index / src.name
    dst.mkdir(parents=True)
    for f in src.rglob("*"):
        if f.is_dir() or f.name == "faiss.index":
            continue
        (dst / f.relative_to(src)).parent.mkdir(parents=True, exist_ok=True)
        os.link(f, dst / f.relative_to(src))
    t0 = time.perf_counter()
    vecs = np.load(src / "vectors.npy", mmap_mode="r")
    faiss_store.save(faiss_store.build(np.asarray(vecs), faiss_kind), dst / "faiss.index")
    (dst_index / store.POINTER).write_text((src.parent / store.POINTER).read_text())
    print(json.dumps({"reindexed": len(vecs), "faiss": faiss_kind, "build_s": round(time.perf_counter() - t0, 1),
                      "index_mb": round((dst / "faiss.index").stat().st_size / 2**20, 1)}), flush=True)


def queries(n: int) -> list[str]:
    rng = np.random.default_rng(1)
    qs = [" ".join(f"w{int(x)}" for x in rng.zipf(1.3, 4) if x < 20000) or "w1" for _ in range(n)]
    return [q + (f" P-{100 + j % 900}" if j % 4 == 0 else "") for j, q in enumerate(qs)]


def p(values: list[float], q: float) -> float:
    v = sorted(values)
    return round(v[int(q * (len(v) - 1))], 2)


def timed(fn, qs: list[str]) -> dict:
    cpu0, times = time.process_time(), []
    for q in qs:
        t = time.perf_counter()
        fn(q)
        times.append((time.perf_counter() - t) * 1000)
    return {"p50_ms": p(times, 0.5), "p95_ms": p(times, 0.95), "mean_ms": round(statistics.mean(times), 2),
            "cpu_ms_per_query": round((time.process_time() - cpu0) * 1000 / len(qs), 2)}


def run_times(workdir: Path, n: int, label: str) -> dict:
    settings = _settings(workdir)
    t0 = time.perf_counter()
    r = open_retriever(settings, FakeEmbedder(settings.embedder.fake_dim))
    load_s = time.perf_counter() - t0
    qs = queries(n)
    for q in qs[:5]:
        r.search(q, k=6)
    out: dict = {"code": label, "chunks": r.count(), "load_s": round(load_s, 1), "uptime_before": os.getloadavg()}
    out["hybrid"] = timed(lambda q: r.search(q, k=6), qs)
    for mode in ("bm25", "dense"):
        out[mode] = timed(lambda q, m=mode: r.search(q, k=6, mode=m), qs[::4])
    out["documents"] = timed(lambda q: r.search_documents(q, k=10), qs[::4])
    for name, flt in FILTERS.items():
        out[f"filter_{name}"] = timed(lambda q, f=flt: r.search(q, k=6, filters=f), qs[::20])
    out["uptime_after"] = os.getloadavg()
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def profile(workdir: Path, n: int, mode: str) -> None:
    import cProfile
    import pstats

    settings = _settings(workdir)
    r = open_retriever(settings, FakeEmbedder(settings.embedder.fake_dim))
    qs = queries(n)
    r.search(qs[0], k=6)
    prof = cProfile.Profile()
    prof.enable()
    for q in qs:
        r.search(q, k=6, mode=mode)
    prof.disable()
    pstats.Stats(prof).sort_stats("cumulative").print_stats(30)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cmd", choices=["build", "time", "profile", "reindex"])
    ap.add_argument("--workdir", type=Path, required=True)
    ap.add_argument("--to", type=Path, help="reindex: the copy's workdir")
    ap.add_argument("--size", type=int, default=1_000_000)
    ap.add_argument("--vectors", choices=["clustered", "random"], default="clustered")
    ap.add_argument("--faiss", choices=["flat", "hnsw", "ivf", "auto"], default="auto")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--mode", default="hybrid")
    ap.add_argument("--code", default=None, help="import copilot from this checkout instead of this one")
    ap.add_argument("--label", default="this checkout")
    args = ap.parse_args()
    if args.cmd == "build":
        build(args.workdir, args.size, args.vectors, args.faiss)
    elif args.cmd == "reindex":
        reindex(args.workdir, args.to, args.faiss)
    elif args.cmd == "profile":
        profile(args.workdir, args.queries, args.mode)
    else:
        print(json.dumps(run_times(args.workdir, args.queries, args.code or args.label)), flush=True)


if __name__ == "__main__":
    main()
