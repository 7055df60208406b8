"""Embedding throughput: sentence-transformers (torch, float32) against ONNX Runtime variants, in one run.

    .venv/bin/python bench/bench_embed.py [--chunks 256] [--threads 2] [--rounds 3] [--variants ...]

The texts are real ingest chunks (``Chunk.embed_text()`` of the EU AI Act from ../shared/data, as
the ordinary chunker cuts them). Reported per variant: wall-clock chunks/s, process CPU seconds per
chunk (the fairer figure on a shared machine: it does not count time spent waiting for a core),
the speed-ups against the torch baseline (today's default: float32, max_seq_length 256, 2 threads)
and the cosine between the variant's vectors and the baseline's for the same text. Every embedder is
built first; then, in each of ``--rounds`` rounds, each embeds the same slice of the texts in turn
(interleaved), so the ratios hold on a machine whose load changes during the run.

ONNX variants run one text per model call (the product's path since the seventh pass); labels
without ``ffn`` quantise every operator (``keep_float=""``). Variants: int8 quantisation options of ``quantize_dynamic`` (per-channel or not, reduce_range,
signed or unsigned weights), ORT's transformer optimizer level, float32 ORT, a shorter
max_seq_length, and two single-thread sessions run in parallel instead of one two-thread session.
"""

from __future__ import annotations

import argparse
import json
import os
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
    # issue 14, seventh pass: one text per call (all variants now), feed-forward projections left in float32
    "ort_int8_ffn_out_2x1": ({"keep_float": "ffn_out"}, 256, (2, 1)),  # what backend: onnx exports
    "ort_int8_ffn_2x1": ({"keep_float": "ffn"}, 256, (2, 1)),
    "ort_int8_ffn_out": ({"keep_float": "ffn_out"}, 256, (1, 2)),
}


def texts(n: int) -> list[str]:
    out: list[str] = []
    for f in sorted(DOCS.glob("*.md")):
        out += [c.embed_text() for c in chunk_document(load_file(f, 25.0), 1200, 150)]
        if len(out) >= n:
            break
    return out[:n]


def warm(emb, data: list[str]) -> None:
    emb.embed(data[:8])


def interleaved(embs: dict[str, object], data: list[str], batch: int, rounds: int) -> dict[str, tuple]:
    """Vectors, wall and CPU seconds per embedder, measured in ``rounds`` rounds: each round every embedder
    embeds the same slice of ``data`` in turn, so a change of load hits all of them alike."""
    out: dict[str, list] = {k: [[], 0.0, 0.0] for k in embs}
    step = -(-len(data) // rounds)
    for r in range(rounds):
        part = data[r * step:(r + 1) * step]
        for label, emb in embs.items():
            w, c = time.perf_counter(), time.process_time()
            out[label][0] += [emb.embed(part[i:i + batch]) for i in range(0, len(part), batch)]
            out[label][1] += time.perf_counter() - w
            out[label][2] += time.process_time() - c
    return {k: (np.concatenate(v[0]), v[1], v[2]) for k, v in out.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--chunks", type=int, default=256)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds (every variant per round)")
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
                  "tokens_over_256": sum(n > 256 for n in ntok), "tokens_over_128": sum(n > 128 for n in ntok),
                  "rounds": args.rounds, "load_before": os.getloadavg()}
    embs: dict[str, object] = {"torch_fp32_seq256": st}
    for seq in args.torch_seq:
        embs[f"torch_fp32_seq{seq}"] = SentenceTransformerEmbedder(None, 32, max_seq_length=seq)
    extra: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp = str(args.workdir or tmp)
        for label in args.variants:
            opts, seq, (sessions, threads) = VARIANTS[label]
            t0 = time.perf_counter()
            onnx_file = export_int8(model_dir, Path(tmp), keep_export=True, **{"keep_float": "", **opts})
            extra[label] = {"export_s": round(time.perf_counter() - t0, 1),
                            "file_mb": round(onnx_file.stat().st_size / 2**20, 1)}
            embs[label] = OnnxEmbedder(model_dir, onnx_file, name=label, threads=threads,
                                       max_seq_length=seq, sessions=sessions)  # the product's path
            print(label, "exported", json.dumps(extra[label]), file=sys.stderr, flush=True)
        for emb in embs.values():
            warm(emb, data)
        res = interleaved(embs, data, args.batch, args.rounds)
    ref, wall0, cpu0 = res["torch_fp32_seq256"]
    n = len(data)
    for label, (vecs, wall, cpu) in res.items():
        cos = (vecs * ref).sum(axis=1)
        rows[label] = {"chunks_per_s": round(n / wall, 2), "cpu_s_per_chunk": round(cpu / n, 4),
                       "speedup_wall": round(wall0 / wall, 2), "speedup_cpu": round(cpu0 / cpu, 2),
                       "cos_min": round(float(cos.min()), 4), "cos_mean": round(float(cos.mean()), 4),
                       **extra.get(label, {})}
    rows["load_after"] = os.getloadavg()
    print(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
