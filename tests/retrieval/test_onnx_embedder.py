"""The int8 ONNX Runtime embedder (the default): a real export of the bundled MiniLM, agreement with the
torch path, and the fallback to sentence-transformers when the export is impossible."""

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
    return load_settings(profile="default", overrides={"models_dir": str(models)})


@pytest.fixture(scope="module")
def torch_embedder():
    return build_embedder(load_settings(profile="default", overrides={"embedder": {"backend": "sentence_transformers"}}))


@pytest.mark.real_embedder
def test_onnx_export_agrees_with_sentence_transformers(onnx_settings, torch_embedder, monkeypatch) -> None:
    import onnx as onnx_lib

    monkeypatch.setattr(embedder_mod, "_CACHE", {})
    onnx = build_embedder(onnx_settings)  # the default backend
    assert onnx.name == "all-MiniLM-L6-v2+onnx-int8-fffn" and onnx.dim == 384
    files = list(Path(onnx_settings.models_dir).glob("onnx-*/model-int8-v2.onnx"))
    assert files
    graph = onnx_lib.load(str(files[0])).graph
    float_mm = [n.name for n in graph.node if n.op_type == "MatMul"]
    assert len(float_mm) == 12 and all("/intermediate/" in n or "/output/dense" in n for n in float_mm), float_mm
    a = onnx.embed(TEXTS)
    b = torch_embedder.embed(TEXTS)
    assert a.shape == b.shape and np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    cos = (a * b).sum(axis=1)
    assert cos.min() > 0.995, cos  # int8 attention, float32 feed-forward: close to the float model
    # The ranking a query induces is the same as with the float model.
    q = onnx.embed(["what does deployer mean"])[0]
    qf = torch_embedder.embed(["what does deployer mean"])[0]
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
def test_a_text_gets_the_same_vector_whatever_shares_its_call(onnx_settings, monkeypatch) -> None:
    """One text per model call: parallel sessions, a two-thread session and a call of its own all give a
    text the same vector (with padded batches, int8 activation scales depended on the batch)."""
    from copilot.retrieval.onnx_embedder import OnnxEmbedder

    monkeypatch.setattr(embedder_mod, "_CACHE", {})
    default = build_embedder(onnx_settings)  # two one-thread sessions
    model_dir = embedder_mod.bundled_embedder_path()
    single = OnnxEmbedder(model_dir, default.onnx_file, name="one", threads=2, sessions=1)
    texts = [f"{t} (variant {i})" * (1 + i % 3) for i, t in enumerate(TEXTS * 5)]  # 20 > the small-call size
    a, b = default.embed(texts), single.embed(texts)
    assert b.shape == (20, 384)
    alone = np.concatenate([default.embed([t]) for t in texts[:6]])
    assert np.allclose(a, b, atol=1e-5) and np.allclose(a[:6], alone, atol=1e-5)


@pytest.mark.real_embedder
def test_export_quantising_only_chosen_operators(tmp_path, torch_embedder) -> None:
    """``ops`` limits int8 to those operator types: the word-embedding table stays float32 and the
    vectors stay as close to the float model as the full int8 export's."""
    import onnx

    from copilot.retrieval.onnx_embedder import OnnxEmbedder, OnnxExportError, export_int8

    model_dir = embedder_mod.bundled_embedder_path()
    f = export_int8(model_dir, tmp_path, ops=("MatMul", "Attention"), keep_float="")
    assert f.name == "model-int8-pc1-rr0-qint8-o1-MatMul+Attention-fnone.onnx"
    graph = onnx.load(str(f)).graph
    kinds = {n.op_type for n in graph.node}
    assert "MatMulInteger" in kinds or "DynamicQuantizeMatMul" in kinds  # the feed-forward layers are int8
    word = next(t for t in graph.initializer if t.name.endswith("word_embeddings.weight"))
    assert word.data_type == onnx.TensorProto.FLOAT  # not quantised
    emb = OnnxEmbedder(model_dir, f, name="ops")
    cos = (emb.embed(TEXTS) * torch_embedder.embed(TEXTS)).sum(axis=1)
    assert cos.min() > 0.97, cos
    assert export_int8(model_dir, tmp_path, ops=("MatMul", "Attention"), keep_float="") == f  # reused
    with pytest.raises(OnnxExportError, match="keep_float"):
        export_int8(model_dir, tmp_path, keep_float="attention")
