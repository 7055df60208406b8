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
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

FILE = "model-int8-v2.onnx"  # v2: feed-forward layers in float32 (an older model-int8.onnx is all int8)
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# Operators left in float32 by name (regex over the optimised graph's node names). The feed-forward layers
# read GELU outputs, whose outliers make a per-tensor int8 activation scale coarse. Leaving both
# feed-forward projections in float32 ("ffn", the default) keeps retrieval as good as torch float32
# (paired over 359 dev and test queries: dense nDCG@10 +0.0006, hybrid +0.0009) at 3.1x the speed;
# "ffn_out" (only the 1536 -> 384 projection) is 4.3x but loses 0.028 dense nDCG@10 on the EU AI Act
# definitions; all int8 ("") is 5.3x (docs/benchmarks/retrieval.md, issue 14 seventh pass).
KEEP_FLOAT = {"": "", "ffn_out": r"layer\.\d+/output/dense/MatMul$",
              "ffn": r"layer\.\d+/(?:intermediate|output)/dense/MatMul$"}
DEFAULT_KEEP_FLOAT = "ffn"


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
                opt_level: int = 1, quantize: bool = True, ops: tuple[str, ...] = (),
                keep_float: str = DEFAULT_KEEP_FLOAT) -> str:
    """File name of an export variant: ``model-int8.onnx`` for the defaults, otherwise one naming every option
    (so an export made with other options is never reused by mistake)."""
    if (per_channel, reduce_range, weight_type, opt_level, quantize, ops, keep_float) == \
            (True, False, "qint8", 1, True, (), DEFAULT_KEEP_FLOAT):
        return FILE
    only = f"-{'+'.join(ops)}" if ops else ""
    fp = f"-f{keep_float or 'none'}" if quantize else ""
    return (f"model-{'int8' if quantize else 'fp32'}-pc{int(per_channel)}-rr{int(reduce_range)}-{weight_type}"
            f"-o{opt_level}{only}{fp}.onnx")


def export_int8(model_dir: Path, out_dir: Path, *, per_channel: bool = True, reduce_range: bool = False,
                weight_type: str = "qint8", opt_level: int = 1, quantize: bool = True,
                ops: tuple[str, ...] = (), keep_float: str = DEFAULT_KEEP_FLOAT, keep_export: bool = False) -> Path:
    """Export ``model_dir`` to ``out_dir/model-int8.onnx`` (idempotent; atomic rename at the end).

    The keyword options (quantisation variants, measured in bench/bench_embed.py) change the file name
    unless they are the defaults (:func:`export_name`); ``ops`` limits quantisation to these operator types
    (e.g. ``("MatMul",)``: the feed-forward and output projections, not the fused attention nor the
    embedding tables); ``keep_float`` names a set of :data:`KEEP_FLOAT` operators left in float32;
    ``keep_export`` keeps (and reuses) the plain torch export in ``out_dir``."""
    if keep_float not in KEEP_FLOAT:
        raise OnnxExportError(f"keep_float: {keep_float!r} is not one of {sorted(KEEP_FLOAT)}")
    name = export_name(per_channel, reduce_range, weight_type, opt_level, quantize, tuple(ops), keep_float)
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
        pattern = re.compile(KEEP_FLOAT[keep_float]) if KEEP_FLOAT[keep_float] else None
        excluded = [n.name for n in opt.model.graph.node if pattern and pattern.search(n.name)]
        if pattern and not excluded:
            raise OnnxExportError(f"keep_float {keep_float!r} matches no operator of this graph")
        if quantize:
            wtype = QuantType.QUInt8 if weight_type == "quint8" else QuantType.QInt8
            quantize_dynamic(str(tmp / "opt.onnx"), str(tmp / name), weight_type=wtype, per_channel=per_channel,
                             reduce_range=reduce_range, op_types_to_quantize=list(ops) or None,
                             nodes_to_exclude=excluded,
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
    """Embeds with ONNX Runtime, one text per model call.

    One text per call: no padding, and int8 activations are scaled per text, not over a whole padded
    batch, so a text's vector does not depend on which texts share its call (with batches of 32 the
    dense nDCG@10 of one int8 file moved by ~0.02 with the batching) and is closer to float32; it is
    also faster (nothing is computed for padding). Small calls (a query: at most ``SMALL_BATCH`` texts)
    run on a one-thread session, so that a second spinning worker thread never competes with
    llama.cpp. ``sessions`` > 1 splits large calls between that many one-thread sessions run in
    parallel (ONNX Runtime releases the GIL) instead of one ``threads``-thread session, whose workers
    would synchronise per operator on these small matrices."""

    def __init__(self, model_dir: Path, onnx_file: Path, *, name: str, threads: int | None = None,
                 max_seq_length: int | None = None, sessions: int = 1) -> None:
        from tokenizers import Tokenizer

        st_cfg = model_dir / "sentence_bert_config.json"
        max_len = json.loads(st_cfg.read_text()).get("max_seq_length", 256) if st_cfg.is_file() else 256
        self.onnx_file = onnx_file
        self._tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tok.enable_truncation(int(max_seq_length or max_len))
        self._tok.no_padding()
        threads = threads or min(2, os.cpu_count() or 1)
        self._small = _session(onnx_file, 1)
        self._parallel = [self._small] + [_session(onnx_file, 1) for _ in range(sessions - 1)] if sessions > 1 else []
        self._session = self._small if threads == 1 or self._parallel else _session(onnx_file, threads)
        self._pool = ThreadPoolExecutor(len(self._parallel), thread_name_prefix="onnx") if self._parallel else None
        self._wanted = [i.name for i in self._session.get_inputs()]
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        self.name = name

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tok.encode_batch(texts)
        if len(texts) <= SMALL_BATCH or self._pool is None:
            session = self._small if len(texts) <= SMALL_BATCH else self._session
            for i, enc in enumerate(encodings):
                out[i] = self._run(session, enc)
            return out
        # Deal the texts out by length so every session gets a similar share of the work.
        order = np.argsort([-len(e.ids) for e in encodings], kind="stable")
        n = len(self._parallel)
        parts = [order[k::n] for k in range(n)]
        futs = [self._pool.submit(self._run_rows, sess, encodings, part)
                for sess, part in zip(self._parallel, parts, strict=True)]
        for part, fut in zip(parts, futs, strict=True):
            out[part] = fut.result()
        return out

    def _run_rows(self, session, encodings: list, rows: np.ndarray) -> np.ndarray:  # noqa: ANN001
        return np.stack([self._run(session, encodings[i]) for i in rows]) if len(rows) else \
            np.zeros((0, self.dim), dtype=np.float32)

    def _run(self, session, enc) -> np.ndarray:  # noqa: ANN001
        """The normalised mean-pooled vector of one tokenised text."""
        feeds = {"input_ids": np.asarray([enc.ids], dtype=np.int64),
                 "attention_mask": np.asarray([enc.attention_mask], dtype=np.int64),
                 "token_type_ids": np.asarray([enc.type_ids], dtype=np.int64)}
        hidden = session.run(None, {k: v for k, v in feeds.items() if k in self._wanted})[0][0]
        vec = hidden.mean(axis=0)
        return vec / max(float(np.linalg.norm(vec)), 1e-12)
