"""Incremental ingestion, pruning, crash safety, bad input and the tables hook."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import numpy as np
import pytest

from copilot.config import Settings
from copilot.ingest.pipeline import ensure_index, ingest_paths
from copilot.retrieval import store
from copilot.retrieval.embedder import FakeEmbedder
from copilot.retrieval.index import open_retriever
from tests.ingest.samples import write_markdown, write_pdf, write_xlsx


class CountingEmbedder(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__(384)
        self.embedded = 0

    def embed(self, texts: list[str]) -> np.ndarray:
        self.embedded += len(texts)
        return super().embed(texts)


def _corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_markdown(folder)
    (folder / "valve.md").write_text("# Valve V-301\n\n## Stuck\n\nExercise the valve weekly.\n", encoding="utf-8")
    (folder / "rows.csv").write_text("Tag,Mode\nP-101,Seal leak\nP-102,Bearing wear\n", encoding="utf-8")
    return folder


def test_incremental_unchanged_changed_pruned(settings: Settings, tmp_path: Path) -> None:
    kb = _corpus(tmp_path / "kb")
    emb = CountingEmbedder()
    r1 = ingest_paths(settings, [kb], embedder=emb, progress=False)
    assert r1.summary()["added"] == 3 and r1.published
    first_total, first_embedded = r1.total_chunks, emb.embedded
    assert first_embedded == first_total

    r2 = ingest_paths(settings, [kb], embedder=emb, progress=False)
    assert r2.summary()["unchanged"] == 3 and not r2.published and emb.embedded == first_embedded

    (kb / "valve.md").write_text("# Valve V-301\n\n## Stuck\n\nExercise the valve monthly now.\n", encoding="utf-8")
    r3 = ingest_paths(settings, [kb], embedder=emb, progress=False)
    assert r3.summary()["updated"] == 1 and r3.summary()["unchanged"] == 2
    assert emb.embedded == first_embedded + 1  # only the changed file was re-embedded
    ret = open_retriever(settings, emb)
    assert "monthly" in ret.get_chunk("valve#stuck#1").text
    assert ret.count() == first_total

    (kb / "rows.csv").unlink()
    r4 = ingest_paths(settings, [kb], embedder=emb, progress=False)
    assert r4.summary()["removed"] == 0  # without --prune removed files stay
    r5 = ingest_paths(settings, [kb], embedder=emb, prune=True, progress=False)
    assert r5.summary()["removed"] == 1
    assert ret.count() == first_total - 2  # the retriever reloaded the new generation
    with pytest.raises(KeyError):
        ret.get_chunk("rows#row1")


def test_unchanged_chunks_keep_their_vectors(settings: Settings, tmp_path: Path) -> None:
    kb = _corpus(tmp_path / "kb")
    ingest_paths(settings, [kb], progress=False)
    ret = open_retriever(settings)
    before = ret.search("valve weekly", k=3)
    (kb / "new.md").write_text("# New\n\nUnrelated text about compressors.\n", encoding="utf-8")
    ingest_paths(settings, [kb], progress=False)
    after = ret.search("valve weekly", k=3)
    assert before[0].chunk.id == after[0].chunk.id
    assert before[0].scores["dense"] == pytest.approx(after[0].scores["dense"], abs=1e-5)


def test_crash_mid_write_leaves_previous_index(settings: Settings, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    kb = _corpus(tmp_path / "kb")
    ingest_paths(settings, [kb], progress=False)
    ret = open_retriever(settings)
    old_gen, old_count = ret.generation, ret.count()
    (kb / "extra.md").write_text("# Extra\n\nSomething new about gearboxes.\n", encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("disk died halfway")

    monkeypatch.setattr("copilot.retrieval.store.BM25Index.save", boom)
    with pytest.raises(RuntimeError, match="halfway"):
        ingest_paths(settings, [kb], progress=False)
    fresh = open_retriever(settings)
    assert fresh.generation == old_gen and fresh.count() == old_count
    assert fresh.search("exercise the valve", k=1)[0].chunk.doc_id == "valve"
    assert [p.name for p in settings.index_dir.glob("gen-*")] == [old_gen]  # half-written dir removed
    monkeypatch.undo()
    report = ingest_paths(settings, [kb], progress=False)
    assert report.summary()["added"] == 1 and open_retriever(settings).count() == old_count + 1


def test_killed_writer_leftover_is_ignored_and_cleaned(settings: Settings, tmp_path: Path) -> None:
    kb = _corpus(tmp_path / "kb")
    ingest_paths(settings, [kb], progress=False)
    gen = store.current_generation(settings.index_dir)
    junk = settings.index_dir / "gen-99999999T999999-dead00"
    junk.mkdir()
    (junk / "chunks.sqlite").write_bytes(b"half written")
    assert open_retriever(settings).generation == gen.name
    (kb / "valve.md").write_text("# Valve\n\nchanged\n", encoding="utf-8")
    ingest_paths(settings, [kb], progress=False)
    assert not junk.exists()


def test_bad_files_reported_rest_ingested(settings: Settings, tmp_path: Path) -> None:
    kb = _corpus(tmp_path / "kb")
    (kb / "empty.md").write_text("", encoding="utf-8")
    (kb / "fake.pdf").write_text("not really a pdf", encoding="utf-8")
    (kb / "corrupt.pdf").write_bytes(b"%PDF-1.7\n\x00\x01 broken")
    (kb / "blob.txt").write_bytes(bytes(range(256)) * 10)
    (kb / "legacy.txt").write_bytes("Druckprüfung bei 5 bar".encode("cp1252"))
    big = kb / "big.md"
    big.write_text("x " * 700_000, encoding="utf-8")
    write_pdf(kb / "manual.pdf", ["Page one: impeller.", "Page two: mechanical seal replacement."])
    settings.ingest.max_file_mb = 1.0
    report = ingest_paths(settings, [kb], progress=False)
    failed = {Path(f.path).name: f.error for f in report.failed}
    assert set(failed) == {"empty.md", "fake.pdf", "corrupt.pdf", "blob.txt", "big.md"}
    assert "empty" in failed["empty.md"] and "not a PDF" in failed["fake.pdf"]
    assert "binary" in failed["blob.txt"] and "max_file_mb" in failed["big.md"]
    legacy = next(f for f in report.files if f.path.endswith("legacy.txt"))
    assert legacy.status == "added" and any("cp1252" in w for w in legacy.warnings)
    ret = open_retriever(settings)
    hits = ret.search("mechanical seal replacement", k=1, mode="bm25")
    assert hits[0].chunk.doc_id == "manual" and hits[0].chunk.page == 2


def test_file_that_turns_bad_keeps_previous_version(settings: Settings, tmp_path: Path) -> None:
    kb = _corpus(tmp_path / "kb")
    ingest_paths(settings, [kb], progress=False)
    (kb / "valve.md").write_bytes(b"\x00\x00\x00 binary now")
    report = ingest_paths(settings, [kb], progress=False)
    bad = next(f for f in report.files if f.path.endswith("valve.md"))
    assert bad.status == "failed" and "previous version kept" in " ".join(bad.warnings)
    assert "weekly" in open_retriever(settings).get_chunk("valve#stuck#1").text
    gen = open_retriever(settings).generation
    again = ingest_paths(settings, [kb], progress=False)  # still bad: nothing new to publish
    assert not again.published and again.count("failed") == 1 and open_retriever(settings).generation == gen


def test_duplicate_stems_get_distinct_ids(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "readme.md").write_text("# A\n\nalpha\n", encoding="utf-8")
    (tmp_path / "b" / "readme.md").write_text("# B\n\nbeta\n", encoding="utf-8")
    report = ingest_paths(settings, [tmp_path], progress=False)
    ids = sorted(f.doc_id for f in report.files)
    assert ids[0] == "readme" and ids[1].startswith("readme~") and report.total_documents == 2


def test_tables_hook_called_and_failures_are_warnings(settings: Settings, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, str]] = []

    def register_table_file(s: Settings, path: Path, doc_id: str, file_hash: str = "") -> None:
        calls.append((path.name, doc_id))
        if path.suffix == ".xlsx":
            raise ValueError("cannot infer schema")

    fake = types.ModuleType("copilot.tables.store")
    fake.register_table_file = register_table_file  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "copilot.tables.store", fake)
    kb = _corpus(tmp_path / "kb")
    write_xlsx(kb / "book.xlsx")
    report = ingest_paths(settings, [kb], progress=False)
    assert sorted(calls) == [("book.xlsx", "book"), ("rows.csv", "rows")]
    book = next(f for f in report.files if f.path.endswith("book.xlsx"))
    assert book.status == "added" and "cannot infer schema" in book.warnings[0]
    settings.tables.enabled = False
    (kb / "rows.csv").write_text("Tag,Mode\nP-103,Cavitation\n", encoding="utf-8")
    ingest_paths(settings, [kb], progress=False)
    assert len(calls) == 2


def test_ensure_index_is_noop_when_unchanged(settings: Settings, tmp_path: Path) -> None:
    kb = _corpus(tmp_path / "kb")
    settings.knowledge_paths = [kb]
    first = ensure_index(settings, progress=False)
    assert first.published and first.count("added") == 3
    second = ensure_index(settings, progress=False)
    assert not second.published and second.count("unchanged") == 3
    (kb / "valve.md").unlink()
    third = ensure_index(settings, progress=False)
    assert third.count("removed") == 1  # ensure_index prunes within the knowledge folders


def test_rebuild_starts_fresh(settings: Settings, tmp_path: Path) -> None:
    kb = _corpus(tmp_path / "kb")
    other = tmp_path / "other"
    other.mkdir()
    (other / "o.md").write_text("# O\n\nother text\n", encoding="utf-8")
    ingest_paths(settings, [kb], progress=False)
    ingest_paths(settings, [other], progress=False)
    assert {d["doc_id"] for d in open_retriever(settings).documents()} >= {"o", "valve"}
    ingest_paths(settings, [other], rebuild=True, progress=False)
    assert [d["doc_id"] for d in open_retriever(settings).documents()] == ["o"]
