"""The int8 ONNX Runtime embedder: a real export of the bundled MiniLM, agreement with the torch path,
and the fallback to sentence-transformers when the export is impossible."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.config import load_settings
from copilot.retrieval import embedder as embedder_mod
from copilot.retrieval.embedder import SentenceTransformerEmbedder, build_embedder

pytest.importorskip("onnxruntime")

TEXTS = [
    "Pump P-101 cavitates after a restart: check suction valve and NPSH margin.",
    "Article 3: Definitions > (4) deployer means a natural or legal person using an AI system.",
    "GOVERN 1.6: Mechanisms are in place to inventory AI systems.",
    "Chiller condenser fouling raises the approach temperature.",
]


@pytest.fixture(scope="module")
def onnx_settings(tmp_path_factory: pytest.TempPathFactory):
    models = tmp_path_factory.mktemp("models")
    return load_settings(profile="default", overrides={"embedder": {"backend": "onnx"}, "models_dir": str(models)})


@pytest.mark.real_embedder
def test_onnx_export_agrees_with_sentence_transformers(onnx_settings, real_embedder, monkeypatch) -> None:
    monkeypatch.setattr(embedder_mod, "_CACHE", {})
    onnx = build_embedder(onnx_settings)
    assert onnx.name == "all-MiniLM-L6-v2+onnx-int8" and onnx.dim == 384
    assert list(Path(onnx_settings.models_dir).glob("onnx-*/model-int8.onnx"))
    a = onnx.embed(TEXTS)
    b = real_embedder.embed(TEXTS)
    assert a.shape == b.shape and np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    cos = (a * b).sum(axis=1)
    assert cos.min() > 0.97, cos  # int8 weights: close to, not equal to, the float model
    # The ranking a query induces is the same as with the float model.
    q = onnx.embed(["what does deployer mean"])[0]
    qf = real_embedder.embed(["what does deployer mean"])[0]
    assert int(np.argmax(a @ q)) == int(np.argmax(b @ qf)) == 1
    assert onnx.embed([]).shape == (0, 384)


@pytest.mark.real_embedder
def test_failed_export_falls_back_to_sentence_transformers(onnx_settings, monkeypatch) -> None:
    import copilot.retrieval.onnx_embedder as onnx_mod

    def broken(*_a, **_k):
        raise onnx_mod.OnnxExportError("exporter missing")

    monkeypatch.setattr(embedder_mod, "_CACHE", {})
    monkeypatch.setattr(onnx_mod, "export_int8", broken)
    emb = build_embedder(onnx_settings)
    assert isinstance(emb, SentenceTransformerEmbedder) and emb.name == "all-MiniLM-L6-v2"


@pytest.mark.real_embedder
def test_parallel_one_thread_sessions_give_the_same_vectors(onnx_settings, monkeypatch) -> None:
    from copilot.retrieval.onnx_embedder import OnnxEmbedder

    monkeypatch.setattr(embedder_mod, "_CACHE", {})
    one = build_embedder(onnx_settings)
    model_dir = embedder_mod.bundled_embedder_path()
    two = OnnxEmbedder(model_dir, one.onnx_file, name="two", batch_size=4, sessions=2)
    texts = [f"{t} (variant {i})" * (1 + i % 3) for i, t in enumerate(TEXTS * 5)]  # 20 > the small-call size
    a, b = one.embed(texts), two.embed(texts)
    assert b.shape == (20, 384)
    # Activations are quantised per batch, so batch composition moves the vectors a little, never the row order.
    assert ((a * b).sum(axis=1)).min() > 0.97


@pytest.mark.real_embedder
def test_export_quantising_only_chosen_operators(tmp_path, real_embedder) -> None:
    """``ops`` limits int8 to those operator types: the word-embedding table stays float32 and the
    vectors stay as close to the float model as the full int8 export's."""
    import onnx

    from copilot.retrieval.onnx_embedder import OnnxEmbedder, export_int8

    model_dir = embedder_mod.bundled_embedder_path()
    f = export_int8(model_dir, tmp_path, ops=("MatMul", "Attention"))
    assert f.name == "model-int8-pc1-rr0-qint8-o1-MatMul+Attention.onnx"
    graph = onnx.load(str(f)).graph
    kinds = {n.op_type for n in graph.node}
    assert "MatMulInteger" in kinds or "DynamicQuantizeMatMul" in kinds  # the feed-forward layers are int8
    word = next(t for t in graph.initializer if t.name.endswith("word_embeddings.weight"))
    assert word.data_type == onnx.TensorProto.FLOAT  # not quantised
    emb = OnnxEmbedder(model_dir, f, name="ops")
    cos = (emb.embed(TEXTS) * real_embedder.embed(TEXTS)).sum(axis=1)
    assert cos.min() > 0.97, cos
    assert export_int8(model_dir, tmp_path, ops=("MatMul", "Attention")) == f  # reused, not re-made
