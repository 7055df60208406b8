"""Choose the fusion weights and document aggregation on the development splits (never on test).

    .venv/bin/python bench/tune_fusion.py [--split dev] [--grid small|full] [--workdir DIR] [--backend sentence_transformers]
        [--max-seq 128]
        [--out docs/benchmarks/tune_fusion.json]

``--grid small`` runs the pre-issue-14 baseline (plain RRF, no heading field or term index, 30
chunks deduped per document) and the current defaults side by side.

Each corpus is ingested once with the configured (real) embedder; query embeddings are cached, so
every setting of the grid re-ranks the same candidates. A setting's objective is the worst ratio of
its hybrid doc-level nDCG@10 to the better single mode (bm25, dense) over the sets, then the mean
nDCG@10: the chosen weights must make hybrid at least as good as its best input on every set.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.config import load_settings  # noqa: E402
from copilot.eval.loaders import load_beir  # noqa: E402
from copilot.eval.retrieval_eval import evaluate_mode  # noqa: E402
from copilot.ingest.pipeline import ingest_paths  # noqa: E402
from copilot.retrieval.embedder import build_embedder  # noqa: E402
from copilot.retrieval.index import open_retriever  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
DATASETS = ROOT / "eval" / "datasets"
SETS = {  # name -> (dataset folder, documents ingested)
    "nist": (DATASETS / "dev_nist", SHARED / "nist_ai_rmf_playbook" / "docs"),
    "eu_defs": (DATASETS / "dev_euaiact_defs", SHARED / "eu_ai_act" / "docs"),
    "eu_articles": (DATASETS / "dev_euaiact_articles", SHARED / "eu_ai_act" / "docs"),
    "kb": (DATASETS / "kb_retrieval", ROOT / "knowledge"),
}


class CachedEmbedder:
    """Memoises query embeddings of the wrapped embedder (ingest batches pass straight through)."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.cache: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.embed(texts)
        if texts[0] not in self.cache:
            self.cache[texts[0]] = self.inner.embed(texts)[0]
        return self.cache[texts[0]][None, :]


BASELINE = {"fusion": "rrf", "weight_dense": 1.0, "weight_bm25": 1.0, "weight_head": 0.0, "weight_terms": 0.0,
            "fetch_k": 30}  # the retriever before issue 14: plain RRF, first 30 chunks deduped per document


def grid(kind: str) -> list[dict[str, Any]]:
    if kind == "small":
        return [BASELINE, {}]
    out = [BASELINE]
    for wd, wh, wt, agg in itertools.product((0.3, 0.5, 0.7, 1.0), (0.0, 0.5, 1.0), (1.0,), ("max", "decay")):
        out.append({"fusion": "score", "weight_dense": wd, "weight_bm25": 1.0, "weight_head": wh,
                    "weight_terms": wt, "doc_aggregate": agg})
    for wd, wh in itertools.product((0.5, 1.0), (0.0, 0.5)):
        out.append({"fusion": "rrf", "weight_dense": wd, "weight_bm25": 1.0, "weight_head": wh,
                    "weight_terms": 1.0, "doc_aggregate": "max"})
    out.append({"fusion": "score", "weight_dense": 0.5, "weight_bm25": 1.0, "weight_head": 0.5,
                "weight_terms": 0.0, "doc_aggregate": "max"})  # ablation: no defined-term channel
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--grid", choices=["small", "full"], default="full")
    ap.add_argument("--sets", nargs="+", default=sorted(SETS))
    ap.add_argument("--out", type=Path)
    ap.add_argument("--workdir", type=Path, help="keep the indexes here (re-runs reuse them)")
    ap.add_argument("--backend", choices=["sentence_transformers", "onnx"], default="onnx",
                    help="embedder backend the indexes and queries use")
    ap.add_argument("--max-seq", type=int, help="embedder.max_seq_length (default: the model's own, 256)")
    ap.add_argument("--reduce-range", action="store_true", help="onnx: embedder.onnx_reduce_range (7-bit weights)")
    ap.add_argument("--sessions", type=int, default=2, help="onnx: embedder.onnx_sessions")
    ap.add_argument("--keep-float", default="ffn", help="onnx: embedder.onnx_keep_float ('' = all int8)")
    ap.add_argument("--query-backend", choices=["sentence_transformers", "onnx"],
                    help="embed queries with this backend instead (documents keep --backend)")
    ap.add_argument("--batch", type=int, help="embedder.batch_size (texts per model call; default 32)")
    args = ap.parse_args()
    base = load_settings(profile="default", overrides={"tables": {"enabled": False},
                                                       "embedder": {"backend": args.backend,
                                                                    "max_seq_length": args.max_seq,
                                                                    "onnx_reduce_range": args.reduce_range,
                                                                    "onnx_sessions": args.sessions,
                                                                    "onnx_keep_float": args.keep_float,
                                                                    **({"batch_size": args.batch} if args.batch else {})}})
    emb = CachedEmbedder(build_embedder(base))
    qemb = emb if not args.query_backend else CachedEmbedder(build_embedder(base.model_copy(update={
        "embedder": base.embedder.model_copy(update={"backend": args.query_backend})})))
    results: list[dict[str, Any]] = []
    seen: dict[tuple, float] = {}  # single modes depend on few parameters: evaluate each variant once
    with tempfile.TemporaryDirectory() as tmp:
        work = args.workdir or Path(tmp)
        built: dict[Path, Any] = {}
        rets = {}
        for name in args.sets:
            folder, docs = SETS[name]
            if docs not in built:
                settings = base.model_copy(update={"data_dir": work / docs.parent.name / "data"})
                ingest_paths(settings, [docs], embedder=emb, progress=False)
                built[docs] = open_retriever(settings, qemb)
            rets[name] = (built[docs], load_beir(folder, "test" if name == "kb" else args.split))
        for params in grid(args.grid):
            row: dict[str, Any] = {"params": params, "sets": {}}
            fetch_k = params.get("fetch_k")
            update = {k: v for k, v in params.items() if k != "fetch_k"}
            for name, (ret, ds) in rets.items():
                ret.settings = ret.settings.model_copy(
                    update={"retrieval": base.retrieval.model_copy(update=update)})
                row["sets"][name] = {}
                for m in ("bm25", "dense", "hybrid"):
                    relevant = {"bm25": ("weight_head", "doc_aggregate", "fusion"), "dense": ("doc_aggregate",)}
                    key = (name, m, fetch_k, tuple(sorted((k, v) for k, v in update.items()
                                                          if m == "hybrid" or k in relevant[m])))
                    if key not in seen:
                        seen[key] = round(evaluate_mode(ret, ds, m, fetch_k=fetch_k, progress=False)
                                          ["metrics"]["ndcg@10"], 4)
                    row["sets"][name][m] = seen[key]
            s = row["sets"].values()
            row["worst_ratio"] = round(min(v["hybrid"] / max(v["bm25"], v["dense"], 1e-9) for v in s), 4)
            row["mean_hybrid"] = round(float(np.mean([v["hybrid"] for v in s])), 4)
            results.append(row)
            print(json.dumps(row), flush=True)
    best = max(results, key=lambda r: (min(r["worst_ratio"], 1.0), r["mean_hybrid"]))
    print("best:", json.dumps(best))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"split": args.split, "results": results, "best": best}, indent=1))


if __name__ == "__main__":
    main()
