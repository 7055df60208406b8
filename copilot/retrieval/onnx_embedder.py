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


def export_int8(model_dir: Path, out_dir: Path) -> Path:
    """Export ``model_dir`` to ``out_dir/model-int8.onnx`` (idempotent; atomic rename at the end)."""
    target = out_dir / FILE
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
        torch.onnx.export(_Wrapped(model), dummy, str(tmp / "fp32.onnx"), input_names=list(INPUTS),
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
        opt = optimize_model(str(tmp / "fp32.onnx"), model_type="bert", num_heads=cfg.num_attention_heads,
                             hidden_size=cfg.hidden_size, opt_level=1)
        opt.save_model_to_file(str(tmp / "opt.onnx"))
        quantize_dynamic(str(tmp / "opt.onnx"), str(tmp / FILE), weight_type=QuantType.QInt8, per_channel=True,
                         extra_options={"DefaultTensorType": 1})
        os.replace(tmp / FILE, target)
    except Exception as exc:  # noqa: BLE001 - any exporter failure means: use the torch path instead
        raise OnnxExportError(f"ONNX export of {model_dir} failed: {type(exc).__name__}: {exc}") from exc
    finally:
        for f in tmp.glob("*"):
            f.unlink(missing_ok=True)
        tmp.rmdir()
    return target


class OnnxEmbedder:
    """Embeds with ONNX Runtime (``threads`` intra-op threads); texts are sorted by length per batch."""

    def __init__(self, model_dir: Path, onnx_file: Path, *, name: str, batch_size: int = 32,
                 threads: int | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        st_cfg = model_dir / "sentence_bert_config.json"
        max_len = json.loads(st_cfg.read_text()).get("max_seq_length", 256) if st_cfg.is_file() else 256
        self._tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tok.enable_truncation(int(max_len))
        self._tok.enable_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(onnx_file), opts, providers=["CPUExecutionProvider"])
        self._wanted = [i.name for i in self._session.get_inputs()]
        self.dim = int(self._session.get_outputs()[0].shape[-1])
        self.name = name
        self.batch_size = batch_size
        self._lock = threading.Lock()  # the tokenizer's padding state is shared

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        order = np.argsort([len(t) for t in texts], kind="stable")
        for start in range(0, len(texts), self.batch_size):
            idx = order[start:start + self.batch_size]
            with self._lock:
                enc = self._tok.encode_batch([texts[i] for i in idx])
            feeds = {"input_ids": np.asarray([e.ids for e in enc], dtype=np.int64),
                     "attention_mask": np.asarray([e.attention_mask for e in enc], dtype=np.int64),
                     "token_type_ids": np.asarray([e.type_ids for e in enc], dtype=np.int64)}
            hidden = self._session.run(None, {k: v for k, v in feeds.items() if k in self._wanted})[0]
            mask = feeds["attention_mask"][..., None].astype(np.float32)
            vecs = (hidden * mask).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)
            vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
            out[idx] = vecs
        return out
