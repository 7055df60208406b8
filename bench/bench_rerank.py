"""Gain and cost of the optional rerank stage (``retrieval.rerank: llm``) on the test splits.

    nice -n 19 .venv/bin/python bench/bench_rerank.py --workdir /tmp/idx --ingest-only
    .venv/bin/python bench/bench_rerank.py [--sets nist eu_defs eu_articles kb] [--candidates 5] [--weight 0.5]
        [--max-chars 600] [--limit 24] [--workdir /tmp/idx] [--model qwen2.5-coder-0.5b]

Each corpus is ingested once (the default embedder; ``--workdir`` reuses the indexes that
bench/tune_fusion.py built there), then every query is ranked at document level in hybrid mode with
the rerank stage off and on (the bundled model judging the best ``--candidates`` documents by their best
passage). Reported per set: nDCG@10 off / on, and milliseconds per query off / on (the judge's cost).
``--limit`` takes the first N queries of each set (the judge costs seconds per query on 2 cores).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tune_fusion import SETS, CachedEmbedder  # noqa: E402

from copilot.config import load_settings  # noqa: E402
from copilot.eval.loaders import load_beir  # noqa: E402
from copilot.eval.retrieval_eval import evaluate_mode  # noqa: E402
from copilot.ingest.pipeline import ingest_paths  # noqa: E402
from copilot.llm.factory import build_llm  # noqa: E402
from copilot.llm.relevance import LLMRelevance  # noqa: E402
from copilot.retrieval.embedder import build_embedder  # noqa: E402
from copilot.retrieval.index import open_retriever  # noqa: E402


def cost(judge: LLMRelevance, args: argparse.Namespace) -> None:
    """Milliseconds per query for judging ``--candidates`` passages (first call = cold prefix)."""
    from copilot.ingest.chunker import chunk_document
    from copilot.ingest.loaders import load_file

    chunks = [c for f in sorted((ROOT / "knowledge").rglob("*.md"))[:10]
              for c in chunk_document(load_file(f, 25.0), 1200, 150)]
    passages = [c.embed_text()[:args.max_chars] for c in chunks[:args.candidates]]
    queries = list(load_beir(SETS["kb"][0], "test").queries.values())[:args.cost_only]
    times, rels = [], []
    for q in queries:
        t = time.perf_counter()
        rels.append([round(r, 3) for r in judge.relevance(q, passages)])
        times.append((time.perf_counter() - t) * 1000)
    print(json.dumps({"model": getattr(judge.llm, "name", "?"), "candidates": len(passages),
                      "passage_chars": [len(p) for p in passages], "ms_per_query": [round(x) for x in times],
                      "median_ms": round(statistics.median(times)), "relevance": rels}, indent=1))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sets", nargs="+", default=["nist", "eu_defs", "eu_articles", "kb"])
    ap.add_argument("--split", default="test")
    ap.add_argument("--candidates", type=int, default=5)
    ap.add_argument("--weight", type=float, default=0.5)
    ap.add_argument("--max-chars", type=int, default=600)
    ap.add_argument("--limit", type=int, help="first N queries of each set")
    ap.add_argument("--workdir", type=Path)
    ap.add_argument("--model", help="llm.model (default: the configured one)")
    ap.add_argument("--cost-only", type=int, metavar="N",
                    help="only time the judge: N knowledge/ gold queries, each with the first --candidates "
                         "chunks of knowledge/ as passages (no index needed)")
    ap.add_argument("--ingest-only", action="store_true",
                    help="only build the indexes (run this at nice 19 first; the timed run then reuses them)")
    args = ap.parse_args()
    base = load_settings(profile="default", overrides={"tables": {"enabled": False},
                                                       **({"llm": {"model": args.model}} if args.model else {})})
    emb = CachedEmbedder(build_embedder(base))
    if args.ingest_only:
        for name in args.sets:
            docs = SETS[name][1]
            ingest_paths(base.model_copy(update={"data_dir": args.workdir / docs.parent.name / "data"}), [docs],
                         embedder=emb, progress=False)
        return
    judge = LLMRelevance(build_llm(base))
    if args.cost_only:
        cost(judge, args)
        return
    out = {"candidates": args.candidates, "weight": args.weight, "max_chars": args.max_chars,
           "model": getattr(judge.llm, "name", "?"), "sets": {}}
    for name in args.sets:
        folder, docs = SETS[name]
        settings = base.model_copy(update={"data_dir": args.workdir / docs.parent.name / "data"})
        ingest_paths(settings, [docs], embedder=emb, progress=False)
        ds = load_beir(folder, "test" if name == "kb" else args.split)
        if args.limit:
            keep = list(ds.queries)[:args.limit]
            ds = dataclasses.replace(ds, queries={q: ds.queries[q] for q in keep})
        row = {"queries": len(ds.queries)}
        for label, rerank in (("off", "off"), ("llm", "llm")):
            cfg = settings.retrieval.model_copy(update={"rerank": rerank, "rerank_candidates": args.candidates,
                                                        "rerank_weight": args.weight,
                                                        "rerank_max_chars": args.max_chars})
            ret = open_retriever(settings.model_copy(update={"retrieval": cfg}), emb, judge)
            for q in list(ds.queries.values())[:1]:
                ret.search_documents(q)  # warm: query embedding cache, model prefix
            t = time.perf_counter()
            res = evaluate_mode(ret, ds, "hybrid", progress=False)
            row[label] = {"ndcg@10": round(res["metrics"]["ndcg@10"], 4),
                          "ms_per_query": round((time.perf_counter() - t) * 1000 / len(ds.queries), 1),
                          "p95_ms": round(sorted(r["latency_s"] for r in res["per_query"])[
                              int(0.95 * (len(res["per_query"]) - 1))] * 1000, 1),
                          "median_ms": round(statistics.median(r["latency_s"] for r in res["per_query"]) * 1000, 1)}
        out["sets"][name] = row
        print(name, json.dumps(row), flush=True)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
