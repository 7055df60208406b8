"""Embedding throughput: sentence-transformers (torch, float32) against the int8 ONNX Runtime export.

    .venv/bin/python bench/bench_embed.py [--chunks 256] [--threads 2]

The texts are real ingest chunks (``Chunk.embed_text()`` of the EU AI Act from ../shared/data, as
the ordinary chunker cuts them). Reported per backend: wall-clock chunks/s, process CPU seconds
per chunk (the fairer figure on a shared machine: it does not count time spent waiting for a core)
and the cosine between the two backends' vectors of the same text.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.config import load_settings  # noqa: E402
from copilot.ingest.chunker import chunk_document  # noqa: E402
from copilot.ingest.loaders import load_file  # noqa: E402
from copilot.retrieval.embedder import SentenceTransformerEmbedder, onnx_embedder  # noqa: E402

DOCS = ROOT.parent / "shared" / "data" / "eu_ai_act" / "docs"


def texts(n: int) -> list[str]:
    out: list[str] = []
    for f in sorted(DOCS.glob("*.md")):
        out += [c.embed_text() for c in chunk_document(load_file(f, 25.0), 1200, 150)]
        if len(out) >= n:
            break
    return out[:n]


def timed(emb, data: list[str], batch: int) -> tuple[np.ndarray, float, float]:
    emb.embed(data[:8])
    w, c = time.perf_counter(), time.process_time()
    vecs = np.concatenate([emb.embed(data[i:i + batch]) for i in range(0, len(data), batch)])
    return vecs, time.perf_counter() - w, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=256)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    data = texts(args.chunks)
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(profile="default", overrides={"models_dir": tmp, "embedder": {"backend": "onnx"}})
        t0 = time.perf_counter()
        onnx = onnx_embedder(settings)
        export_s = time.perf_counter() - t0
        rows = {}
        ref, wall, cpu = timed(SentenceTransformerEmbedder(None, 32), data, args.batch)
        rows["sentence_transformers"] = {"chunks_per_s": round(len(data) / wall, 1),
                                         "cpu_s_per_chunk": round(cpu / len(data), 4)}
        vecs, wall, cpu = timed(onnx, data, args.batch)
        cos = (vecs * ref).sum(axis=1)
        rows["onnx_int8"] = {"chunks_per_s": round(len(data) / wall, 1), "cpu_s_per_chunk": round(cpu / len(data), 4),
                             "cos_to_float_min": round(float(cos.min()), 4),
                             "cos_to_float_mean": round(float(cos.mean()), 4), "export_s": round(export_s, 1)}
    st, ox = rows["sentence_transformers"], rows["onnx_int8"]
    rows["speedup_wall"] = round(ox["chunks_per_s"] / st["chunks_per_s"], 2)
    rows["speedup_cpu"] = round(st["cpu_s_per_chunk"] / ox["cpu_s_per_chunk"], 2)
    rows["chunks"] = len(data)
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
