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
def test_queries_embed_on_one_thread_and_batches_on_all(real_embedder, monkeypatch):
    """A two-thread torch call leaves a spinning OpenMP worker that slows llama.cpp down; queries use one."""
    import torch

    from copilot.retrieval.embedder import SMALL_BATCH

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
def test_max_seq_length_truncates_long_texts_only(real_embedder, monkeypatch) -> None:
    import numpy as np

    from copilot.config import load_settings
    from copilot.retrieval import embedder as embedder_mod

    monkeypatch.setattr(embedder_mod, "_CACHE", {})
    short = embedder_mod.build_embedder(load_settings(profile="default", overrides={"embedder": {"max_seq_length": 32}}))
    assert short.name == "all-MiniLM-L6-v2@32" and short.name != real_embedder.name  # the index sees the change
    brief = "Pump P-101 cavitates after a restart."
    long = brief + " " + " ".join(f"Then check the suction strainer number {i} for debris." for i in range(30))
    a, b = short.embed([brief, long]), real_embedder.embed([brief, long])
    assert float(a[0] @ b[0]) > 0.999  # under 32 tokens: the same vector
    assert float(a[1] @ b[1]) < 0.99  # over 32 tokens: only the start is embedded
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
