"""Choose the fusion weights and document aggregation on the development splits (never on test).

    .venv/bin/python bench/tune_fusion.py [--split dev] [--grid small|full] [--out docs/benchmarks/tune_fusion.json]

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
from copilot.retrieval.embedder import build_embedder  # noqa: E402
from eval.loaders import load_beir  # noqa: E402
from eval.retrieval_eval import build_temp_index, evaluate_mode  # noqa: E402

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
    for wd, wh, wt, agg in itertools.product((0.3, 0.5, 0.7, 1.0), (0.0, 0.5, 1.0, 2.0), (0.0, 1.0),
                                             ("max", "decay")):
        out.append({"fusion": "score", "weight_dense": wd, "weight_bm25": 1.0, "weight_head": wh,
                    "weight_terms": wt, "doc_aggregate": agg})
    for wd, wh in itertools.product((0.5, 1.0), (0.0, 1.0)):
        out.append({"fusion": "rrf", "weight_dense": wd, "weight_bm25": 1.0, "weight_head": wh,
                    "weight_terms": 1.0, "doc_aggregate": "max"})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--grid", choices=["small", "full"], default="full")
    ap.add_argument("--sets", nargs="+", default=sorted(SETS))
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    base = load_settings(profile="default", overrides={"tables": {"enabled": False}})
    emb = CachedEmbedder(build_embedder(base))
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        built: dict[Path, Any] = {}
        rets = {}
        for name in args.sets:
            folder, docs = SETS[name]
            if docs not in built:
                built[docs] = build_temp_index(base, [docs], Path(tmp) / name, emb, progress=False)[1]
            rets[name] = (built[docs], load_beir(folder, "test" if name == "kb" else args.split))
        for params in grid(args.grid):
            row: dict[str, Any] = {"params": params, "sets": {}}
            fetch_k = params.get("fetch_k")
            update = {k: v for k, v in params.items() if k != "fetch_k"}
            for name, (ret, ds) in rets.items():
                ret.settings = base.model_copy(update={"retrieval": base.retrieval.model_copy(update=update)})
                row["sets"][name] = {m: round(evaluate_mode(ret, ds, m, fetch_k=fetch_k, progress=False)
                                              ["metrics"]["ndcg@10"], 4) for m in ("bm25", "dense", "hybrid")}
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
