"""The hybrid retriever with the real MiniLM embedder on a tiny corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from copilot.config import Settings
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval.index import open_retriever
from tests.retrieval.test_retriever import DOCS


@pytest.mark.real_embedder
def test_semantic_query_without_shared_keywords(settings: Settings, tmp_path: Path, real_embedder) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    for name, text in DOCS.items():
        (kb / name).write_text(text, encoding="utf-8")
    report = ingest_paths(settings, [kb], embedder=real_embedder, progress=False)
    assert report.count("added") == 3
    ret = open_retriever(settings, real_embedder)
    hits = ret.search("dirty heat exchanger of the cooling machine", k=3, mode="dense")
    assert hits[0].chunk.doc_id == "chiller-guide"
    hybrid = ret.search("dirty heat exchanger of the cooling machine", k=3)
    assert hybrid[0].chunk.doc_id == "chiller-guide"
    on_topic = hybrid[0].scores["dense"]
    off_topic = ret.search("recipe for chocolate cake with strawberries", k=1)[0].scores["dense"]
    assert on_topic > off_topic + 0.15
    assert ret.search("alarm E-204", k=1)[0].chunk.doc_id == "pump-alarms"


@pytest.mark.real_embedder
def test_queries_embed_on_one_thread_and_batches_on_all(monkeypatch):
    """A two-thread torch call leaves a spinning OpenMP worker that slows llama.cpp down; queries use one."""
    import torch

    from copilot.config import load_settings
    from copilot.retrieval.embedder import SMALL_BATCH, build_embedder

    real_embedder = build_embedder(load_settings(profile="default",
                                                 overrides={"embedder": {"backend": "sentence_transformers"}}))
    seen: list[int] = []
    encode = real_embedder._model.encode

    def spy(*args, **kwargs):
        seen.append(torch.get_num_threads())
        return encode(*args, **kwargs)

    monkeypatch.setattr(real_embedder._model, "encode", spy)
    before = torch.get_num_threads()
    query = real_embedder.embed(["pump P-101 high vibration"])
    batch = real_embedder.embed([f"chunk {i} about pumps" for i in range(SMALL_BATCH + 1)])
    assert seen == [1, before]
    assert torch.get_num_threads() == before
    assert query.shape == (1, real_embedder.dim) and batch.shape == (SMALL_BATCH + 1, real_embedder.dim)


@pytest.mark.real_embedder
def test_onnx_queries_run_on_the_one_thread_session(real_embedder, monkeypatch):
    """The default (ONNX) embedder: a query runs on its one-thread session, a batch on the parallel ones."""
    from copilot.retrieval.embedder import SMALL_BATCH

    used: list[object] = []
    run = real_embedder._run

    def spy(session, enc):  # noqa: ANN001, ANN202
        used.append(session)
        return run(session, enc)

    monkeypatch.setattr(real_embedder, "_run", spy)
    real_embedder.embed(["pump P-101 high vibration"])
    assert used == [real_embedder._small]
    used.clear()
    real_embedder.embed([f"chunk {i} about pumps" for i in range(SMALL_BATCH + 4)])
    assert set(map(id, used)) == {id(s) for s in real_embedder._parallel} and len(real_embedder._parallel) == 2
