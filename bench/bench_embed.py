"""Embedding throughput: sentence-transformers (torch, float32) against ONNX Runtime variants, in one run.

    .venv/bin/python bench/bench_embed.py [--chunks 256] [--threads 2] [--variants all|default]

The texts are real ingest chunks (``Chunk.embed_text()`` of the EU AI Act from ../shared/data, as
the ordinary chunker cuts them). Reported per variant: wall-clock chunks/s, process CPU seconds per
chunk (the fairer figure on a shared machine: it does not count time spent waiting for a core),
the speed-ups against the torch baseline (today's default: float32, max_seq_length 256, 2 threads)
and the cosine between the variant's vectors and the baseline's for the same text.

Variants: int8 quantisation options of ``quantize_dynamic`` (per-channel or not, reduce_range,
signed or unsigned weights), ORT's transformer optimizer level, float32 ORT, a shorter
max_seq_length, and two single-thread sessions run in parallel instead of one two-thread session.
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

from copilot.ingest.chunker import chunk_document  # noqa: E402
from copilot.ingest.loaders import load_file  # noqa: E402
from copilot.retrieval.embedder import SentenceTransformerEmbedder, bundled_embedder_path  # noqa: E402
from copilot.retrieval.onnx_embedder import OnnxEmbedder, export_int8  # noqa: E402

DOCS = ROOT.parent / "shared" / "data" / "eu_ai_act" / "docs"

# label: (export options, max_seq_length, sessions x threads)
VARIANTS: dict[str, tuple[dict, int, tuple[int, int]]] = {
    "ort_fp32_o1": ({"quantize": False}, 256, (1, 2)),
    "ort_int8_pc": ({}, 256, (1, 2)),
    "ort_int8_pc_rr": ({"reduce_range": True}, 256, (1, 2)),
    "ort_int8_pt": ({"per_channel": False}, 256, (1, 2)),
    "ort_uint8_pc": ({"weight_type": "quint8"}, 256, (1, 2)),
    "ort_int8_pc_rr_o2": ({"reduce_range": True, "opt_level": 2}, 256, (1, 2)),
    "ort_int8_pc_rr_2x1": ({"reduce_range": True}, 256, (2, 1)),
    "ort_int8_pc_rr_seq128": ({"reduce_range": True}, 128, (1, 2)),
    "ort_int8_pc_rr_seq192": ({"reduce_range": True}, 192, (1, 2)),
    "ort_int8_pc_rr_2x1_seq192": ({"reduce_range": True}, 192, (2, 1)),
    "ort_int8_pc_rr_2x1_seq128": ({"reduce_range": True}, 128, (2, 1)),
    "ort_int8_pc_2x1": ({}, 256, (2, 1)),
    # issue 14, fifth pass: quantise only some operator types (the embedding tables stay float32 for
    # quality; MatMul alone also keeps the fused attention's QKV projection in float32).
    "ort_int8_pc_mm_attn": ({"ops": ("MatMul", "Attention")}, 256, (1, 2)),
    "ort_int8_pc_rr_mm_attn": ({"reduce_range": True, "ops": ("MatMul", "Attention")}, 256, (1, 2)),
    "ort_int8_pc_mm": ({"ops": ("MatMul",)}, 256, (1, 2)),
    "ort_int8_pc_rr_mm_attn_seq128": ({"reduce_range": True, "ops": ("MatMul", "Attention")}, 128, (1, 2)),
}


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
    ap.add_argument("--variants", nargs="+", default=list(VARIANTS))
    ap.add_argument("--torch-seq", type=int, nargs="*", default=[128], help="extra torch runs at these lengths")
    ap.add_argument("--workdir", type=Path, help="keep the exports here (a re-run reuses them)")
    args = ap.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    data = texts(args.chunks)
    model_dir = bundled_embedder_path()
    st = SentenceTransformerEmbedder(None, 32)
    ntok = [len(st._model.tokenizer(t)["input_ids"]) for t in data]
    rows: dict = {"chunks": len(data), "tokens_mean": round(float(np.mean(ntok)), 1),
                  "tokens_over_256": sum(n > 256 for n in ntok), "tokens_over_128": sum(n > 128 for n in ntok)}
    ref, wall, cpu = timed(st, data, args.batch)
    base = {"chunks_per_s": len(data) / wall, "cpu_s_per_chunk": cpu / len(data)}
    rows["torch_fp32_seq256"] = {"chunks_per_s": round(base["chunks_per_s"], 2),
                                 "cpu_s_per_chunk": round(base["cpu_s_per_chunk"], 4)}
    print("torch_fp32_seq256", json.dumps(rows["torch_fp32_seq256"]), file=sys.stderr, flush=True)

    def record(label: str, vecs: np.ndarray, wall: float, cpu: float, extra: dict | None = None) -> None:
        cos = (vecs * ref).sum(axis=1)
        rows[label] = {"chunks_per_s": round(len(data) / wall, 2), "cpu_s_per_chunk": round(cpu / len(data), 4),
                       "speedup_wall": round(len(data) / wall / base["chunks_per_s"], 2),
                       "speedup_cpu": round(base["cpu_s_per_chunk"] / (cpu / len(data)), 2),
                       "cos_min": round(float(cos.min()), 4), "cos_mean": round(float(cos.mean()), 4), **(extra or {})}
        print(label, json.dumps(rows[label]), file=sys.stderr, flush=True)

    for seq in args.torch_seq:
        st._model.max_seq_length = seq
        vecs, wall, cpu = timed(st, data, args.batch)
        record(f"torch_fp32_seq{seq}", vecs, wall, cpu)
    st._model.max_seq_length = 256
    with tempfile.TemporaryDirectory() as tmp:
        tmp = str(args.workdir or tmp)
        for label in args.variants:
            opts, seq, (sessions, threads) = VARIANTS[label]
            t0 = time.perf_counter()
            onnx_file = export_int8(model_dir, Path(tmp), keep_export=True, **opts)
            export_s = time.perf_counter() - t0
            emb = OnnxEmbedder(model_dir, onnx_file, name=label, batch_size=32, threads=threads, max_seq_length=seq,
                               sessions=sessions)  # the product's path (embedder.onnx_sessions)
            vecs, wall, cpu = timed(emb, data, args.batch)
            record(label, vecs, wall, cpu, {"export_s": round(export_s, 1),
                                            "file_mb": round(onnx_file.stat().st_size / 2**20, 1)})
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
