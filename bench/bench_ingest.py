"""Ingestion throughput (chunks/s) with the real embedder, through the ordinary ingest path.

    .venv/bin/python bench/bench_ingest.py [--corpus knowledge eu_ai_act shared] [--embedder real onnx fake]
        [--max-seq N]

Each corpus is ingested from scratch into a temporary data directory; the figure is indexed chunks
divided by wall-clock seconds of `ingest_paths` (load + chunk + embed + write + publish). Because the
machine is shared, the process CPU time is reported too: ``chunks_per_s_2_free_cores`` = chunks /
(CPU seconds / 2) is the throughput the run would have had with both cores to itself (CPU seconds
include the parser worker processes). Several embedders are run one after the other. A second,
unchanged run shows the incremental no-op cost.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.config import load_settings  # noqa: E402
from copilot.ingest.pipeline import ingest_paths  # noqa: E402
from copilot.retrieval.embedder import build_embedder  # noqa: E402

SHARED = ROOT.parent / "shared" / "data"
CORPORA = {
    "knowledge": [ROOT / "knowledge"],
    "eu_ai_act": [SHARED / "eu_ai_act" / "docs"],
    "shared": [SHARED / "nist_ai_rmf_playbook" / "docs", SHARED / "eu_ai_act" / "docs",
               SHARED / "fmea_haul_truck", SHARED / "assetops_chillers"],
}


def cpu_now() -> float:
    return time.process_time() + resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime + \
        resource.getrusage(resource.RUSAGE_CHILDREN).ru_stime


def run(name: str, paths: list[Path], embedder_kind: str, max_seq: int | None = None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        overrides: dict = {"data_dir": tmp, "tables": {"enabled": False}, "embedder": {"max_seq_length": max_seq}}
        if embedder_kind in ("onnx", "sentence_transformers"):
            overrides["embedder"]["backend"] = embedder_kind
        settings = load_settings(profile="test" if embedder_kind == "fake" else "default", overrides=overrides)
        emb = build_embedder(settings)
        emb.embed(["warm up"])
        t0, c0 = time.perf_counter(), cpu_now()
        report = ingest_paths(settings, [p for p in paths if p.exists()], embedder=emb, progress=False)
        first, cpu = time.perf_counter() - t0, cpu_now() - c0
        t1 = time.perf_counter()
        again = ingest_paths(settings, [p for p in paths if p.exists()], embedder=emb, progress=False)
        noop = time.perf_counter() - t1
    s = report.summary()
    row = {"corpus": name, "embedder": emb.name, "files": s["added"], "failed": s["failed"],
           "chunks": s["chunks"], "seconds": round(first, 1), "chunks_per_s": round(s["chunks"] / first, 1),
           "cpu_s": round(cpu, 1), "chunks_per_s_2_free_cores": round(s["chunks"] / (cpu / 2), 1),
           "unchanged_rerun_s": round(noop, 2), "rerun_unchanged_files": again.count("unchanged")}
    print(json.dumps(row), flush=True)
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", nargs="+", choices=sorted(CORPORA), default=sorted(CORPORA))
    ap.add_argument("--embedder", nargs="+", default=["real"],
                    choices=["real", "sentence_transformers", "onnx", "fake"],
                    help="real = the configured default; sentence_transformers = torch MiniLM; onnx = int8 export")
    ap.add_argument("--max-seq", type=int, help="embedder.max_seq_length for every run")
    args = ap.parse_args()
    for name in args.corpus:
        for kind in args.embedder:
            run(name, CORPORA[name], kind, args.max_seq)


if __name__ == "__main__":
    main()
