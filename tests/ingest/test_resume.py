"""An ingest that crashes while embedding resumes from its checkpointed vectors on the next run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from copilot.config import Settings
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval.embed_cache import FILE, EmbedCache, embed_resumable
from copilot.retrieval.embedder import FakeEmbedder
from copilot.retrieval.index import open_retriever


class CrashingEmbedder(FakeEmbedder):
    """Counts embedded texts; raises after ``crash_after`` batches (a simulated power cut)."""

    def __init__(self, crash_after: int | None = None) -> None:
        super().__init__(384)
        self.crash_after, self.batches, self.texts = crash_after, 0, 0

    def embed(self, texts: list[str]) -> np.ndarray:
        if self.crash_after is not None and self.batches >= self.crash_after:
            raise KeyboardInterrupt("simulated crash")
        self.batches += 1
        self.texts += len(texts)
        return super().embed(texts)


def test_crashed_ingest_resumes_without_re_embedding(settings: Settings, tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    for i in range(150):
        (kb / f"doc-{i:03d}.md").write_text(f"# Doc {i}\n\nPump {i} seal inspection note number {i}.\n")
    crashing = CrashingEmbedder(crash_after=1)  # batches of 64: the first one is checkpointed
    with pytest.raises(KeyboardInterrupt):
        ingest_paths(settings, [kb], embedder=crashing, progress=False)
    assert (settings.index_dir / FILE).is_file()
    assert open_retriever(settings).count() == 0  # nothing was published
    again = CrashingEmbedder()
    report = ingest_paths(settings, [kb], embedder=again, progress=False)
    assert report.total_chunks == 150
    assert again.texts == 150 - 64  # only what the crashed run had not finished
    assert not (settings.index_dir / FILE).exists()  # the checkpoint is dropped once published
    hits = open_retriever(settings, FakeEmbedder(384)).search("pump 7 seal inspection", k=1, mode="dense")
    assert hits[0].chunk.doc_id == "doc-007"


def test_cache_is_keyed_by_embedder_and_text(tmp_path: Path) -> None:
    cache = EmbedCache(tmp_path, "model-a", 4)
    vecs = np.eye(4, dtype=np.float32)[:2]
    calls: list[list[str]] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(texts)
        return np.eye(4, dtype=np.float32)[:len(texts)]

    out = embed_resumable(embed, ["a", "b"], 4, 8, cache)
    assert np.allclose(out, vecs) and calls == [["a", "b"]]
    out = embed_resumable(embed, ["b", "c", "a"], 4, 8, cache)
    assert calls[-1] == ["c"] and np.allclose(out[0], vecs[1]) and np.allclose(out[2], vecs[0])
    other = EmbedCache(tmp_path, "model-b", 4)
    assert other.get(["a"]) == {}  # a different embedder never reuses these vectors
    other.close()
    cache.clear()
    assert not (tmp_path / FILE).exists()
