"""Hostile files: zip bombs, YAML alias bombs, memory and time limits of the parse worker, symlinks (issue 16 #8)."""

from __future__ import annotations

import resource
import zipfile
from pathlib import Path

import pytest

from copilot.ingest import sandbox
from copilot.ingest.pipeline import ingest_paths
from copilot.retrieval import store
from copilot.retrieval.embedder import FakeEmbedder
from tests.fault.helpers import fault_settings

pytestmark = pytest.mark.fault_injection
MB = 1024 * 1024


def _ingest(settings, *paths, **kw):
    return ingest_paths(settings, list(paths), embedder=FakeEmbedder(384), progress=False, **kw)


def _docx_bomb(path: Path, mb: int, fill: bytes = b"\0") -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w") as fh:  # streamed: the test itself stays small
            for _ in range(mb):
                fh.write(fill * (MB // len(fill)))
    return path


def test_zip_bombs_are_refused_before_parsing(tmp_path):
    settings = fault_settings(tmp_path / "data")
    big = _docx_bomb(tmp_path / "big.docx", 110, b"<w:t>a</w:t>")
    dense = _docx_bomb(tmp_path / "dense.docx", 5)
    warm = tmp_path / "warm.md"
    warm.write_text("# Warm\n\nimports and the worker are ready\n", encoding="utf-8")
    _ingest(settings, warm)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    report = _ingest(settings, big, dense)
    errors = {Path(f.path).name: f.error for f in report.files}
    assert big.stat().st_size < MB and "expands to 110 MB, over the 100 MB limit" in errors["big.docx"]
    assert "over the 100x limit" in errors["dense.docx"]
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 50 * 1024  # KiB: nothing was expanded here


def test_yaml_alias_bomb_is_ignored_with_a_warning(tmp_path):
    settings = fault_settings(tmp_path / "data")
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    doc = tmp_path / "bomb.md"
    doc.write_text("---\n" + "\n".join(lines) + "\n---\n# Bomb\n\nBody text stays searchable.\n", encoding="utf-8")
    [res] = _ingest(settings, doc).files
    assert res.status == "added" and any("72 YAML aliases, over the limit of 16" in w for w in res.warnings)


def test_memory_limit_of_the_parse_worker(tmp_path):
    settings = fault_settings(tmp_path / "data")
    settings.ingest.parse_memory_mb = 400
    csv = tmp_path / "wide.csv"
    row = b"ab," * 2_500_000 + b"ab\n"  # 7.5 MB: three such rows are 7.5 M cells, well over 400 MB as objects
    csv.write_bytes(row * 3)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    [res] = _ingest(settings, csv).files
    assert res.status == "failed" and "400 MB memory limit" in res.error, res.error
    pid = sandbox.worker_pid(400)
    limits = Path(f"/proc/{pid}/limits").read_text()
    assert f"{400 * MB}" in next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss < 100 * 1024


def test_time_limit_kills_the_parse_worker(tmp_path):
    settings = fault_settings(tmp_path / "data")
    settings.ingest.parse_timeout_s = 0.5
    settings.ingest.parse_memory_mb = 4096
    csv = tmp_path / "slow.csv"
    csv.write_bytes(b"Tag,Mode\n" + b"P-101,seal leak and more words\n" * 600_000)
    tiny = tmp_path / "tiny.md"
    tiny.write_text("# Tiny\n\nstarts the worker\n", encoding="utf-8")
    _ingest(settings, tiny)
    first = sandbox.worker_pid(4096) or 0
    [res] = _ingest(settings, csv).files
    assert res.status == "failed" and "longer than 0.5 s" in res.error
    assert sandbox.worker_pid(4096) is None and not Path(f"/proc/{first}").exists()


def test_symlinks_out_of_the_folder_are_not_followed(tmp_path):
    settings = fault_settings(tmp_path / "data")
    secret = tmp_path / "outside" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:secret\n", encoding="utf-8")
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "ok.md").write_text("# Ok\n\ninside text\n", encoding="utf-8")
    (kb / "passwd.txt").symlink_to(secret)
    (kb / "inner.md").symlink_to(kb / "ok.md")  # a link inside the folder is fine
    report = _ingest(settings, kb)
    failed = {Path(f.path).name: f.error for f in report.files if f.status == "failed"}
    assert "not followed" in failed["passwd.txt"]
    keys = set(store.read_files(store.current_generation(settings.index_dir)))
    assert keys == {str((kb / "ok.md").resolve())}
    _ingest(settings, kb, follow_symlinks=True)
    assert str(secret.resolve()) in store.read_files(store.current_generation(settings.index_dir))
