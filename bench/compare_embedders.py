"""Retrieval quality of two embedders on the same queries, paired per query, with bootstrap intervals.

    .venv/bin/python bench/compare_embedders.py --a sentence_transformers --b onnx [--b-keep-float ffn_out]
        [--workdir DIR] [--splits dev test] [--out docs/benchmarks/compare_embedders.json]

Each corpus of bench/tune_fusion.py (NIST playbook, EU AI Act, knowledge/) is ingested once per embedder
(indexes kept under ``--workdir``/a and /b); every query of the chosen splits runs in dense and hybrid
mode (current defaults) against both. Reported per set and split and pooled over all queries: doc-level
nDCG@10 of each embedder, the mean per-query difference (b - a) and its 95% bootstrap interval (paired,
10,000 resamples). On sets of 12-50 queries one query moving from rank 1 to rank 3 moves nDCG@10 by
0.01-0.04, so the pooled difference is the figure to read; the per-set ones show where it comes from.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from tune_fusion import SETS, CachedEmbedder  # noqa: E402

from copilot.config import load_settings  # noqa: E402
from copilot.eval.loaders import load_beir  # noqa: E402
from copilot.eval.retrieval_eval import evaluate_mode  # noqa: E402
from copilot.ingest.pipeline import ingest_paths  # noqa: E402
from copilot.retrieval.embedder import build_embedder  # noqa: E402
from copilot.retrieval.index import open_retriever  # noqa: E402

MODES = ("dense", "hybrid")


def interval(diffs: np.ndarray, rng: np.random.Generator, n: int = 10_000) -> tuple[float, float]:
    """95% paired bootstrap interval of the mean of ``diffs``."""
    means = diffs[rng.integers(0, len(diffs), (n, len(diffs)))].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def per_query(settings_by_side: dict, work: Path, splits: list[str]) -> dict:
    """{side: {(set, split, mode): {query id: nDCG@10}}} for both embedders."""
    out: dict = {}
    for side, settings in settings_by_side.items():
        emb = CachedEmbedder(build_embedder(settings))
        built: dict = {}
        out[side] = {}
        for name, (folder, docs) in SETS.items():
            if docs not in built:
                s = settings.model_copy(update={"data_dir": work / side / docs.parent.name / "data"})
                ingest_paths(s, [docs], embedder=emb, progress=False)
                built[docs] = open_retriever(s, emb)
            for split in (["test"] if name == "kb" else splits):
                ds = load_beir(folder, split)
                for mode in MODES:
                    rows = evaluate_mode(built[docs], ds, mode, progress=False)["per_query"]
                    out[side][(name, split, mode)] = {r["id"]: r["ndcg@10"] for r in rows if r["ndcg@10"] is not None}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--a", default="sentence_transformers", choices=["sentence_transformers", "onnx"])
    ap.add_argument("--b", default="onnx", choices=["sentence_transformers", "onnx"])
    ap.add_argument("--a-keep-float", default="ffn")
    ap.add_argument("--b-keep-float", default="ffn")
    ap.add_argument("--splits", nargs="+", default=["dev", "test"])
    ap.add_argument("--workdir", type=Path, required=True, help="indexes are kept here (re-runs reuse them)")
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()

    def settings(backend: str, keep_float: str):  # noqa: ANN202
        return load_settings(profile="default", overrides={"tables": {"enabled": False}, "embedder": {
            "backend": backend, "onnx_keep_float": keep_float}})

    sides = {"a": settings(args.a, args.a_keep_float), "b": settings(args.b, args.b_keep_float)}
    names = {k: build_embedder(s).name for k, s in sides.items()}
    scores = per_query(sides, args.workdir, args.splits)
    rng = np.random.default_rng(0)
    report: dict = {"a": names["a"], "b": names["b"], "rows": []}
    pooled: dict[str, list[float]] = {m: [] for m in MODES}
    for key, a in scores["a"].items():
        b = scores["b"][key]
        ids = sorted(set(a) & set(b))
        d = np.array([b[i] - a[i] for i in ids])
        pooled[key[2]] += d.tolist()
        lo, hi = interval(d, rng)
        report["rows"].append({"set": key[0], "split": key[1], "mode": key[2], "queries": len(ids),
                               "a": round(float(np.mean([a[i] for i in ids])), 4),
                               "b": round(float(np.mean([b[i] for i in ids])), 4),
                               "diff": round(float(d.mean()), 4), "ci95": [round(lo, 4), round(hi, 4)],
                               "changed": int((d != 0).sum())})
        print(json.dumps(report["rows"][-1]), flush=True)
    report["pooled"] = {}
    for mode, diffs in pooled.items():
        d = np.array(diffs)
        lo, hi = interval(d, rng)
        report["pooled"][mode] = {"queries": len(d), "diff": round(float(d.mean()), 4),
                                  "ci95": [round(lo, 4), round(hi, 4)], "changed": int((d != 0).sum())}
    print("pooled:", json.dumps(report["pooled"]))
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
