"""Append-only segments: a one-file add writes one small directory; updates, deletes, compaction (issue 16 #13)."""

from __future__ import annotations

from pathlib import Path

from copilot.ingest.generation import MAX_SEGMENTS
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval import store
from copilot.retrieval.embedder import FakeEmbedder
from copilot.retrieval.index import open_retriever

EMB = FakeEmbedder(384)


def _ingest(settings, *paths, **kw):
    return ingest_paths(settings, list(paths), embedder=EMB, progress=False, **kw)


def _kb(root: Path, n: int = 30) -> Path:
    root.mkdir(parents=True)
    for i in range(n):
        (root / f"doc{i}.md").write_text(f"# Doc {i}\n\nPump P-{100 + i} runs at {i} bar.\n", encoding="utf-8")
    return root


def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def test_one_file_add_writes_a_small_segment_and_reads_as_one_index(settings, tmp_path):
    kb = _kb(tmp_path / "kb")
    base = _ingest(settings, kb)
    extra = tmp_path / "extra.md"
    extra.write_text("# Compressor C-7\n\nThe surge line of compressor C-7 is at 42 percent.\n", encoding="utf-8")
    report = _ingest(settings, extra)
    gen = store.current_generation(settings.index_dir)
    assert [s.name for s, _ in store.segments(gen)] == [base.generation, gen.name]
    assert _size(gen) < _size(settings.index_dir / base.generation) and report.total_chunks == 31
    ret = open_retriever(settings, EMB)
    assert ret.count() == 31 and len(ret.documents()) == 31
    for mode in ("hybrid", "bm25", "dense"):
        assert ret.search("surge line compressor C-7", k=1, mode=mode)[0].chunk.doc_id == "extra", mode
    assert ret.search("P-105", k=1)[0].chunk.doc_id == "doc5"


def test_updates_and_deletes_hide_the_old_chunks(settings, tmp_path):
    kb = _kb(tmp_path / "kb")
    _ingest(settings, kb)
    (kb / "doc3.md").write_text("# Doc 3\n\nPump P-103 now runs at 77 bar.\n", encoding="utf-8")
    (kb / "doc4.md").unlink()
    _ingest(settings, kb, prune=True)
    ret = open_retriever(settings, EMB)
    assert ret.count() == 29 and "doc4" not in {d["doc_id"] for d in ret.documents()}
    hits = ret.search("Pump P-103 bar", k=5)
    assert [h.chunk.text for h in hits if h.chunk.doc_id == "doc3"] == ["Pump P-103 now runs at 77 bar."]
    assert not any(h.chunk.doc_id == "doc4" for h in ret.search("Pump P-104", k=30, mode="bm25"))
    assert set(store.read_files(store.current_generation(settings.index_dir))) == {
        str(p.resolve()) for p in kb.glob("*.md")}


def test_segments_are_compacted_and_old_directories_cleaned(settings, tmp_path):
    kb = _kb(tmp_path / "kb", 5)
    _ingest(settings, kb)
    for i in range(MAX_SEGMENTS + 1):
        (kb / f"new{i}.md").write_text(f"# New {i}\n\nValve V-{i} strokes in {i} s.\n", encoding="utf-8")
        _ingest(settings, kb)
    gen = store.current_generation(settings.index_dir)
    assert len(store.segments(gen)) < MAX_SEGMENTS
    assert len(list(settings.index_dir.glob("gen-*"))) <= MAX_SEGMENTS + 1  # old directories were cleaned
    ret = open_retriever(settings, EMB)
    assert ret.count() == 5 + MAX_SEGMENTS + 1 and ret.get_chunk(ret.search("V-3", k=1)[0].chunk.id).doc_id == "new3"


def test_appended_segment_keeps_the_heading_field_and_defined_terms(settings, tmp_path):
    _ingest(settings, _kb(tmp_path / "kb"))
    extra = tmp_path / "glossary.md"
    extra.write_text('# Glossary\n\n## Surge margin\n\n"Surge margin" means the distance between the operating '
                     "point and the surge line of a compressor.\n", encoding="utf-8")
    _ingest(settings, extra)
    ret = open_retriever(settings, EMB)
    gen = ret._generation() if hasattr(ret, "_generation") else ret._gen
    assert gen.head is not None and gen.head.scores("glossary surge margin").shape == (31,)
    ids = [i for term_ids in gen.terms.terms.values() for i in term_ids]
    assert ids and max(ids) == 30  # the appended chunk's id, laid after the base's 30
    assert ret.search("What does surge margin mean?", k=1)[0].chunk.doc_id == "glossary"
