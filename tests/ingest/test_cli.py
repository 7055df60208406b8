"""`copilot ingest` and `copilot search` end to end (test profile, fake embedder)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from copilot.cli import app
from tests.ingest.samples import write_markdown

runner = CliRunner()


def _opts(tmp_path: Path) -> list[str]:
    return ["--profile", "test", "--set", f"data_dir={tmp_path / 'data'}"]


def test_ingest_then_search(tmp_path: Path) -> None:
    kb = tmp_path / "kb"
    kb.mkdir()
    write_markdown(kb)
    (kb / "bad.pdf").write_text("not a pdf", encoding="utf-8")
    res = runner.invoke(app, ["ingest", str(kb), *_opts(tmp_path)])
    assert res.exit_code == 0, res.output
    assert "FAILED" in res.output and "bad.pdf" in res.output and "not a PDF" in res.output
    res = runner.invoke(app, ["ingest", str(kb), "--json", *_opts(tmp_path)])
    data = json.loads(res.output)
    assert data["summary"]["unchanged"] == 1 and data["summary"]["failed"] == 1

    res = runner.invoke(app, ["search", "E-204 low suction", "--json", "--k", "2", *_opts(tmp_path)])
    assert res.exit_code == 0, res.output
    hits = json.loads(res.output)
    assert hits[0]["chunk"]["doc_id"] == "sop-pump-101" and "dense" in hits[0]["scores"]
    res = runner.invoke(app, ["search", "restart", "--filter", "site=north", "--mode", "bm25", *_opts(tmp_path)])
    assert res.exit_code == 0 and "sop-pump-101" in res.output
    res = runner.invoke(app, ["search", "restart", "--filter", "site", *_opts(tmp_path)])
    assert res.exit_code != 0
    res = runner.invoke(app, ["search", "restart", "--mode", "fuzzy", *_opts(tmp_path)])
    assert res.exit_code == 2


def test_search_empty_index_and_ingest_missing_path(tmp_path: Path) -> None:
    res = runner.invoke(app, ["search", "anything", *_opts(tmp_path)])
    assert res.exit_code == 1 and "copilot ingest" in res.output
    res = runner.invoke(app, ["ingest", str(tmp_path / "missing"), *_opts(tmp_path)])
    assert res.exit_code == 1 and "does not exist" in res.output
