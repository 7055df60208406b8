"""ONNX Runtime embedder: an int8 export of a local sentence-transformers (BERT-type) model.

``export_int8(model_dir, out_dir)`` converts the model's own weights, offline, in three steps with
well-kept tools: ``torch.onnx.export`` (eager attention, so ONNX Runtime's BERT optimizer can fuse
attention, layer norms and GELU), ``onnxruntime.transformers.optimizer`` and
``onnxruntime.quantization.quantize_dynamic`` (per-channel int8 weights). ``OnnxEmbedder`` then
runs the exported graph with the model's fast tokenizer, mean pooling and L2 normalisation, as the
sentence-transformers pipeline (Transformer -> mean Pooling -> Normalize) does.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

FILE = "model-int8.onnx"
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class OnnxExportError(RuntimeError):
    pass


def _fingerprint(model_dir: Path) -> str:
    h = hashlib.sha256()
    for name in ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json"):
        f = model_dir / name
        if f.is_file():
            st = f.stat()
            h.update(f"{name}:{st.st_size}:{int(st.st_mtime)}".encode())
    import onnxruntime

    h.update(onnxruntime.__version__.encode())
    return h.hexdigest()[:16]


def cache_dir_for(model_dir: Path, root: Path) -> Path:
    """Where the export of ``model_dir`` lives under ``root`` (keyed by its weights and the ORT version)."""
    return root / f"onnx-{model_dir.name}-{_fingerprint(model_dir)}"


def export_name(per_channel: bool = True, reduce_range: bool = False, weight_type: str = "qint8",
                opt_level: int = 1, quantize: bool = True, ops: tuple[str, ...] = ()) -> str:
    """File name of an export variant: ``model-int8.onnx`` for the defaults, otherwise one naming every option
    (so an export made with other options is never reused by mistake)."""
    if (per_channel, reduce_range, weight_type, opt_level, quantize, ops) == (True, False, "qint8", 1, True, ()):
        return FILE
    only = f"-{'+'.join(ops)}" if ops else ""
    return (f"model-{'int8' if quantize else 'fp32'}-pc{int(per_channel)}-rr{int(reduce_range)}-{weight_type}"
            f"-o{opt_level}{only}.onnx")


def export_int8(model_dir: Path, out_dir: Path, *, per_channel: bool = True, reduce_range: bool = False,
                weight_type: str = "qint8", opt_level: int = 1, quantize: bool = True,
                ops: tuple[str, ...] = (), keep_export: bool = False) -> Path:
    """Export ``model_dir`` to ``out_dir/model-int8.onnx`` (idempotent; atomic rename at the end).

    The keyword options (quantisation variants, measured in bench/bench_embed.py) change the file name
    unless they are the defaults (:func:`export_name`); ``ops`` limits quantisation to these operator types
    (e.g. ``("MatMul",)``: the feed-forward and output projections, not the fused attention nor the
    embedding tables); ``keep_export`` keeps (and reuses) the plain torch export in ``out_dir``."""
    name = export_name(per_channel, reduce_range, weight_type, opt_level, quantize, tuple(ops))
    target = out_dir / name
    if target.is_file():
        return target
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    try:
        import torch
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from onnxruntime.transformers.optimizer import optimize_model
        from transformers import AutoConfig, AutoModel
    except ImportError as exc:
        raise OnnxExportError(f"ONNX export needs torch, transformers and onnxruntime: {exc}") from exc
    out_dir.mkdir(parents=True, exist_ok=True)
    cfg = AutoConfig.from_pretrained(str(model_dir), local_files_only=True)
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True, attn_implementation="eager").eval()

    class _Wrapped(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # noqa: ANN001, ANN201
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    dummy = tuple(torch.ones((2, 8), dtype=torch.long) for _ in INPUTS)
    tmp = out_dir / f".{os.getpid()}"
    tmp.mkdir(exist_ok=True)
    try:
        axes = {name: {0: "batch", 1: "seq"} for name in (*INPUTS, "last_hidden_state")}
        raw = out_dir / "export-fp32.onnx" if keep_export else tmp / "fp32.onnx"
        if not raw.is_file():
            torch.onnx.export(_Wrapped(model), dummy, str(raw), input_names=list(INPUTS),
                              output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
        opt = optimize_model(str(raw), model_type="bert", num_heads=cfg.num_attention_heads,
                             hidden_size=cfg.hidden_size, opt_level=opt_level)
        opt.save_model_to_file(str(tmp / "opt.onnx"))
        if quantize:
            wtype = QuantType.QUInt8 if weight_type == "quint8" else QuantType.QInt8
            quantize_dynamic(str(tmp / "opt.onnx"), str(tmp / name), weight_type=wtype, per_channel=per_channel,
                             reduce_range=reduce_range, op_types_to_quantize=list(ops) or None,
                             extra_options={"DefaultTensorType": 1})
        else:
            os.replace(tmp / "opt.onnx", tmp / name)
        os.replace(tmp / name, target)
    except Exception as exc:  # noqa: BLE001 - any exporter failure means: use the torch path instead
        raise OnnxExportError(f"ONNX export of {model_dir} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        for f in tmp.glob("*"):
            f.unlink(missing_ok=True)
        tmp.rmdir()
    return target


SMALL_BATCH = 8


def _session(onnx_file: Path, threads: int):  # noqa: ANN202 - onnxruntime is imported lazily
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])


class OnnxEmbedder:
    """Embeds with ONNX Runtime (``threads`` intra-op threads); texts are sorted by length per batch.

    Small calls (a query: at most ``SMALL_BATCH`` texts) run on a separate one-thread session, as the
    torch path does, so that a second spinning worker thread never competes with llama.cpp.
    ``sessions`` > 1 splits large calls between that many one-thread sessions run in parallel (ONNX
    Runtime releases the GIL) instead of one multi-thread session: its intra-op threads spin and
    synchronise per operator on these small matrices (a third less CPU per chunk on a loaded machine;
    no faster on a quiet one, docs/benchmarks/retrieval.md)."""

    def __init__(self, model_dir: Path, onnx_file: Path, *, name: str, batch_size: int = 32,
                 threads: int | None = None, max_seq_length: int | None = None, sessions: int = 1) -> None:
        from tokenizers import Tokenizer

        st_cfg = model_dir / "sentence_bert_config.json"
        max_len = json.loads(st_cfg.read_text()).get("max_seq_length", 256) if st_cfg.is_file() else 256
        self.onnx_file = onnx_file
        self._tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tok.enable_truncation(int(max_seq_length or max_len))
        self._tok.enable_padding()
        threads = threads or min(2, os.cpu_count() or 1)
        self._small = _session(onnx_file, 1)
        self._parallel = [self._small] + [_session(onnx_file, 1) for _ in range(sessions - 1)] if sessions > 1 else []
        self._session = self._small if threads == 1 or self._parallel else _session(onnx_file, threads)
        self._pool = ThreadPoolExecutor(len(self._parallel), thread_name_prefix="onnx") if self._parallel else None
        self._wanted = [i.name for i in self._session.get_inputs()]
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        self.name = name
        self.batch_size = batch_size
        self._lock = threading.Lock()  # the tokenizer's padding state is shared

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        batches = [order[s:s + self.batch_size] for s in range(0, len(texts), self.batch_size)]
        if len(texts) <= SMALL_BATCH or self._pool is None:
            session = self._small if len(texts) <= SMALL_BATCH else self._session
            for idx in batches:
                out[idx] = self._run(session, texts, idx)
            return out
        # Interleave the length-sorted rows so every session gets batches of similar lengths.
        n = len(self._parallel)
        parts = [order[k::n] for k in range(n)]
        futs = [self._pool.submit(self._run_all, sess, texts, part) for sess, part in zip(self._parallel, parts, strict=True)]
        for part, fut in zip(parts, futs, strict=True):
            out[part] = fut.result()
        return out

    def _run_all(self, session, texts: list[str], rows: np.ndarray) -> np.ndarray:  # noqa: ANN001
        return np.concatenate([self._run(session, texts, rows[s:s + self.batch_size])
                               for s in range(0, len(rows), self.batch_size)]) if len(rows) else \
            np.zeros((0, self.dim), dtype=np.float32)

    def _run(self, session, texts: list[str], idx: np.ndarray) -> np.ndarray:  # noqa: ANN001
        """Vectors of ``texts[i] for i in idx`` (one padded batch)."""
        with self._lock:
            enc = self._tok.encode_batch([texts[i] for i in idx])
        feeds = {"input_ids": np.asarray([e.ids for e in enc], dtype=np.int64),
                 "attention_mask": np.asarray([e.attention_mask for e in enc], dtype=np.int64),
                 "token_type_ids": np.asarray([e.type_ids for e in enc], dtype=np.int64)}
        hidden = session.run(None, {k: v for k, v in feeds.items() if k in self._wanted})[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        vecs = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
        return vecs / np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
