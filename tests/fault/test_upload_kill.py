"""kill -9 at each step of a re-upload: disk, manifest, index and tables agree afterwards (issue 16 #5, #6)."""

from __future__ import annotations

import sqlite3

import pytest

from copilot.retrieval import store
from copilot.retrieval.embedder import FakeEmbedder
from copilot.retrieval.index import open_retriever
from copilot.services.uploads import UploadStore
from tests.fault.helpers import fault_settings, kill_upload_at, sha

pytestmark = pytest.mark.fault_injection
OLD = b"# Keep\n\nThe old version says the flange torque is 85 Nm.\n"
NEW = b"# Keep\n\nThe new version says the flange torque is 120 Nm.\n"
OLD_CSV = b"Item,Cost\nseal,12345\n"
NEW_CSV = b"Item,Cost\nseal,67890\npump,4\n"


def _state(settings, name: str) -> tuple[str, str, str]:
    """(hash on disk, hash in the manifest's file, hash in the index) for one upload."""
    up = UploadStore(settings, embedder=FakeEmbedder(384))
    target = up.dir / name
    disk = sha(target.read_bytes()) if target.exists() else ""
    files = store.read_files(store.current_generation(settings.index_dir))
    rec = files.get(str(target.resolve()))
    return disk, (name in up.manifest()) and disk, rec.hash if rec else ""


def _tables(settings) -> list[str]:
    con = sqlite3.connect(settings.data_dir / "tables.sqlite3")
    names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE '\\_%' "
                                       "ESCAPE '\\'")]
    con.close()
    return sorted(names)


@pytest.mark.parametrize("step,wins", [("parse", OLD), ("before_publish", OLD), ("after_publish", NEW)])
def test_kill_during_reupload_keeps_one_consistent_version(tmp_path, step, wins):
    settings = fault_settings(tmp_path / "data")
    up = UploadStore(settings, embedder=FakeEmbedder(384))
    up.save_and_ingest("keep.md", OLD, "admin")
    kill_upload_at(settings.data_dir, step, "keep.md", NEW)
    UploadStore(settings, embedder=FakeEmbedder(384)).recover()
    assert _state(settings, "keep.md") == (sha(wins),) * 3
    text = " ".join(h.chunk.text for h in open_retriever(settings, FakeEmbedder(384)).search("flange torque"))
    assert ("85 Nm" in text) == (wins == OLD) and ("120 Nm" in text) == (wins == NEW)
    assert not list((settings.data_dir / "uploads").glob("*.tmp")) and not (up.dir / ".pending.json").exists()


def test_kill_with_staged_tables_leaves_no_orphan_table(tmp_path):
    settings = fault_settings(tmp_path / "data")
    up = UploadStore(settings, embedder=FakeEmbedder(384))
    up.save_and_ingest("costs.csv", OLD_CSV, "admin")
    before = _tables(settings)
    kill_upload_at(settings.data_dir, "tables_staged", "costs.csv", NEW_CSV)
    assert len(_tables(settings)) == len(before) + 1  # the staged copy the killed run left
    UploadStore(settings, embedder=FakeEmbedder(384)).recover()
    assert _tables(settings) == before
    con = sqlite3.connect(settings.data_dir / "tables.sqlite3")
    assert con.execute(f'SELECT "Cost" FROM "{before[0]}"').fetchall() == [(12345,)]


def test_orphan_upload_file_is_never_indexed(tmp_path):
    settings = fault_settings(tmp_path / "data")
    up = UploadStore(settings, embedder=FakeEmbedder(384))
    up.save_and_ingest("a.md", b"# A\n\nalpha text\n", "admin")
    up.save_and_ingest("b.md", b"# B\n\nbeta text\n", "admin")
    (up.dir / "stray.md").write_bytes(b"# Stray\n\nsecret stray words\n")  # e.g. left by an old crash
    up.delete(up.manifest()["a.md"]["doc_id"] and "a.md")
    keys = set(store.read_files(store.current_generation(settings.index_dir)))
    assert keys == {str((up.dir / "b.md").resolve())}
    assert (up.dir / ".orphans" / "stray.md").exists() and set(up.manifest()) == {"b.md"}
