"""Retrieval benchmarks: latency at synthetic scale, and quality on the BEIR set and the gold set.

    .venv/bin/python bench/bench_retrieval.py latency --sizes 1000 10000 100000
    .venv/bin/python bench/bench_retrieval.py quality [--embedder real|fake]

Latency: synthetic chunks (Zipf-distributed words plus asset codes) with random normalised vectors
written as a real index generation, then `search()` timed in hybrid mode (query embedding by the
fake embedder so the figure measures the index; MiniLM query embedding is timed separately).
Quality: doc-level nDCG@10 and recall@5 per mode (hybrid, dense, bm25) on
../shared/data/nist_ai_rmf_playbook/bench_outcomes and on eval/datasets/parts/retrieval_*.jsonl over knowledge/.
"""

from __future__ import annotations

import argparse
import json
import math
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.config import load_settings  # noqa: E402
from copilot.retrieval import store  # noqa: E402
from copilot.retrieval.embedder import FakeEmbedder, build_embedder  # noqa: E402
from copilot.retrieval.index import open_retriever  # noqa: E402
from copilot.types import Chunk  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
MODES = ("hybrid", "dense", "bm25")


# ---------------------------------------------------------------- latency
def synthetic(n: int, dim: int, seed: int = 0) -> tuple[list[Chunk], np.ndarray]:
    rng = np.random.default_rng(seed)
    vocab = [f"w{i}" for i in range(20000)]
    probs = 1.0 / np.arange(1, len(vocab) + 1)
    probs /= probs.sum()
    words = rng.choice(len(vocab), size=(n, 60), p=probs)
    chunks = []
    for i in range(n):
        code = f"P-{100 + i % 900}"
        text = " ".join(vocab[w] for w in words[i]) + f" tag {code}"
        chunks.append(Chunk(id=f"doc{i // 20}#{i % 20}", doc_id=f"doc{i // 20}", text=text, title=f"Doc {i // 20}",
                            doc_type=("sop", "manual", "fmea")[i % 3], metadata={"site": ("north", "south")[i % 2]}))
    vecs = rng.standard_normal((n, dim)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    return chunks, vecs


def latency(sizes: list[int], queries: int, faiss_kind: str) -> list[dict]:
    rows = []
    rng = np.random.default_rng(1)
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            settings = load_settings(profile="test", overrides={"data_dir": tmp,
                                                                "retrieval": {"faiss_index": faiss_kind}})
            chunks, vecs = synthetic(n, settings.embedder.fake_dim)
            t0 = time.perf_counter()
            gen = store.new_generation_dir(settings.index_dir)
            store.write_generation(gen, chunks, vecs, [], embedder_name="fake-hash-384", faiss_kind=faiss_kind)
            store.publish(settings.index_dir, gen)
            build_s = time.perf_counter() - t0
            retriever = open_retriever(settings, FakeEmbedder(settings.embedder.fake_dim))
            qs = [" ".join(f"w{int(x)}" for x in rng.zipf(1.3, 4) if x < 20000) or "w1" for _ in range(queries)]
            qs = [q + (f" P-{100 + j % 900}" if j % 4 == 0 else "") for j, q in enumerate(qs)]
            for q in qs[:5]:
                retriever.search(q)
            times, ftimes, by_mode = [], [], {"bm25": [], "dense": []}
            for j, q in enumerate(qs):
                t = time.perf_counter()
                retriever.search(q, k=6)
                times.append((time.perf_counter() - t) * 1000)
                if j % 5 == 0:
                    t = time.perf_counter()
                    retriever.search(q, k=6, filters={"site": "north"})
                    ftimes.append((time.perf_counter() - t) * 1000)
                    for mode, out in by_mode.items():  # where the hybrid time goes
                        t = time.perf_counter()
                        retriever.search(q, k=6, mode=mode)
                        out.append((time.perf_counter() - t) * 1000)
            times.sort()
            ftimes.sort()
            row = {"chunks": n, "faiss": faiss_kind, "build_s": round(build_s, 1),
                   "p50_ms": round(statistics.median(times), 2),
                   "p95_ms": round(times[int(0.95 * (len(times) - 1))], 2),
                   "filtered_p95_ms": round(ftimes[int(0.95 * (len(ftimes) - 1))], 2),
                   **{f"{m}_only_p95_ms": round(sorted(v)[int(0.95 * (len(v) - 1))], 2) for m, v in by_mode.items()},
                   "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
            print(json.dumps(row), flush=True)
            rows.append(row)
    return rows


# ---------------------------------------------------------------- quality
def ndcg_at(ranked: list[str], gold: set[str], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:k]) if d in gold)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(len(gold), k)))
    return dcg / ideal if ideal else 0.0


def recall_at(ranked: list[str], gold: set[str], k: int = 5) -> float:
    return len(set(ranked[:k]) & gold) / len(gold) if gold else 0.0


def doc_ranking(retriever, query: str, mode: str, depth: int = 40) -> list[str]:
    docs: list[str] = []
    for h in retriever.search(query, k=depth, mode=mode):
        if h.chunk.doc_id not in docs:
            docs.append(h.chunk.doc_id)
    return docs


def evaluate(retriever, queries: list[tuple[str, set[str]]]) -> dict[str, dict[str, float]]:
    out = {}
    for mode in MODES:
        ranks = [(doc_ranking(retriever, q, mode), gold) for q, gold in queries]
        out[mode] = {"ndcg@10": round(statistics.mean(ndcg_at(r, g) for r, g in ranks), 4),
                     "recall@5": round(statistics.mean(recall_at(r, g) for r, g in ranks), 4),
                     "queries": len(ranks)}
    return out


def beir_queries(folder: Path) -> list[tuple[str, set[str]]]:
    texts = {}
    for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            rec = json.loads(line)
            texts[rec["_id"]] = rec["text"]
    gold: dict[str, set[str]] = {}
    for line in (folder / "qrels" / "test.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        qid, doc, score = line.split("\t")[:3]
        if float(score) > 0:
            gold.setdefault(qid, set()).add(doc)
    return [(texts[q], g) for q, g in gold.items() if q in texts]


def gold_queries(parts: Path) -> list[tuple[str, set[str]]]:
    out = []
    for f in sorted(parts.glob("retrieval_*.jsonl")):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                out.append((rec["text"], set(rec["gold"])))
    return out


def quality(embedder_kind: str, overrides: list[str]) -> dict:
    from copilot.ingest.pipeline import ingest_paths

    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        profile = "default" if embedder_kind == "real" else "test"
        settings = load_settings(profile=profile, overrides=[f"data_dir={tmp}", *overrides])
        emb = build_embedder(settings)
        nist = SHARED / "nist_ai_rmf_playbook"
        if nist.is_dir():
            rep = ingest_paths(settings, [nist / "docs"], embedder=emb, progress=False)
            retriever = open_retriever(settings, emb)
            results["nist_bench_outcomes"] = evaluate(retriever, beir_queries(nist / "bench_outcomes"))
            results["nist_bench_outcomes"]["chunks"] = rep.total_chunks
        knowledge = ROOT / "knowledge"
        gold = gold_queries(ROOT / "eval" / "datasets" / "parts")
        if gold:
            rep = ingest_paths(settings, [knowledge], embedder=emb, rebuild=True, progress=False)
            retriever = open_retriever(settings, emb)
            results["knowledge_gold"] = evaluate(retriever, gold)
            results["knowledge_gold"]["chunks"] = rep.total_chunks
    print(json.dumps(results, indent=2))
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    lat = sub.add_parser("latency", help="p50/p95 hybrid search latency on synthetic indexes")
    lat.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    lat.add_argument("--queries", type=int, default=200)
    lat.add_argument("--faiss", choices=["flat", "hnsw", "ivf", "auto"], default="flat")
    lat.add_argument("--embed-query", action="store_true", help="also time MiniLM query embedding")
    q = sub.add_parser("quality", help="nDCG@10 / recall@5 per mode on the BEIR set and the knowledge gold set")
    q.add_argument("--embedder", choices=["real", "fake"], default="real")
    q.add_argument("--set", dest="overrides", action="append", default=[], help="settings override a.b=c")
    args = ap.parse_args()
    if args.cmd == "latency":
        latency(args.sizes, args.queries, args.faiss)
        if args.embed_query:
            emb = build_embedder(load_settings(profile="default"))
            emb.embed(["warm up"])
            times = []
            for i in range(50):
                t = time.perf_counter()
                emb.embed([f"pump P-101 cavitation noise after restart {i}"])
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            print(json.dumps({"minilm_query_embed_p50_ms": round(statistics.median(times), 2),
                              "p95_ms": round(times[int(0.95 * 49)], 2)}))
    else:
        quality(args.embedder, args.overrides)


if __name__ == "__main__":
    main()
