"""A re-upload that fails in any way keeps the previous version everywhere (issue 16 #5)."""

from __future__ import annotations

import pytest

from copilot.ingest import pipeline
from copilot.retrieval import store
from copilot.retrieval.embedder import FakeEmbedder
from copilot.retrieval.index import open_retriever
from copilot.services.uploads import UploadError, UploadStore
from tests.fault.helpers import fault_settings, sha

pytestmark = pytest.mark.fault_injection
OLD = b'{"items": [{"title": "keep", "note": "old torque 85 Nm"}]}'


def _check_old_version(settings, up: UploadStore) -> None:
    target = up.dir / "keep.json"
    assert sha(target.read_bytes()) == sha(OLD)
    rec = store.read_files(store.current_generation(settings.index_dir))[str(target.resolve())]
    assert rec.hash == sha(OLD) and set(up.manifest()) == {"keep.json"}
    hits = open_retriever(settings, FakeEmbedder(384)).search("old torque 85 Nm")
    assert any("85 Nm" in h.chunk.text for h in hits)


def test_deeply_nested_json_reupload_keeps_old_version(tmp_path):
    settings = fault_settings(tmp_path / "data")
    up = UploadStore(settings, embedder=FakeEmbedder(384))
    up.save_and_ingest("keep.json", OLD, "admin")
    with pytest.raises(UploadError) as err:
        up.save_and_ingest("keep.json", b"[" * 100_000 + b"]" * 100_000, "admin")
    assert err.value.status == 422 and "nested too deeply" in str(err.value)
    _check_old_version(settings, up)


def test_unexpected_exception_in_the_pipeline_keeps_old_version(tmp_path, monkeypatch):
    settings = fault_settings(tmp_path / "data")
    settings.ingest.parse_in_worker = False
    up = UploadStore(settings, embedder=FakeEmbedder(384))
    up.save_and_ingest("keep.json", OLD, "admin")

    def boom(*a, **k):
        raise ZeroDivisionError("parser bug")

    monkeypatch.setattr(pipeline, "parse_file", boom)
    with pytest.raises(UploadError, match="unexpected ZeroDivisionError"):
        up.save_and_ingest("keep.json", b'{"note": "new"}', "admin")
    _check_old_version(settings, up)

    def crash(*a, **k):
        raise RuntimeError("disk full while writing the generation")

    monkeypatch.undo()
    monkeypatch.setattr(store, "write_generation", crash)
    with pytest.raises(UploadError, match="disk full"):
        up.save_and_ingest("keep.json", b'{"note": "new"}', "admin")
    monkeypatch.undo()
    _check_old_version(settings, up)
