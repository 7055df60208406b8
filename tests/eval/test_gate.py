"""The CI gate: threshold checks (unit) and the real gate (real embedder, real model, shared data)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from copilot.eval.gate import check, resolve, run_gate
from tests.eval.test_cli import DOCS


def test_check_reports_below_minimum_above_maximum_and_missing():
    metrics = {"hybrid.recall@5": 0.8, "errors": 1.0, "ok": 0.9}
    failures = check(metrics, {"hybrid.recall@5": 0.85, "ok": 0.9, "gone": 0.1}, {"errors": 0})
    assert any("hybrid.recall@5: 0.800 < minimum 0.85" in f for f in failures)
    assert any("gone: missing" in f for f in failures)
    assert any("errors: 1.000 > maximum 0" in f for f in failures)
    assert not any(f.startswith("ok") for f in failures)


def test_resolve_shared_paths(monkeypatch, tmp_path):
    monkeypatch.setenv("COPILOT_SHARED_DATA", str(tmp_path))
    assert resolve("shared:nist/docs") == tmp_path / "nist" / "docs"
    assert resolve("knowledge").name == "knowledge" and resolve("knowledge").is_absolute()


def tiny_spec(tmp_path: Path, minimum: float) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir(parents=True)
    for name, text in DOCS.items():
        (docs / name).write_text(text, encoding="utf-8")
    ds = tmp_path / "ds"
    (ds / "qrels").mkdir(parents=True)
    (ds / "queries.jsonl").write_text(json.dumps({"_id": "q1", "text": "pump cavitation suction"}) + "\n"
                                      + json.dumps({"_id": "q2", "text": "motor overheating winding"}) + "\n")
    (ds / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\nq1\tTG-P\t1\nq2\tTG-M\t1\n")
    answers = tmp_path / "answers.jsonl"
    answers.write_text(json.dumps({"id": "a1", "question": "Why does pump P-101 cavitate?", "agent": "maintenance",
                                   "gold_sources": ["TG-P"], "expect": "answer"}) + "\n")
    spec = {"retrieval": {"tiny": {"dataset": str(ds), "docs": str(docs), "min": {"hybrid.recall@5": minimum}},
                          "absent": {"dataset": str(tmp_path / "none"), "min": {"hybrid.recall@5": 1.0}}},
            "answers": {"dataset": str(answers), "docs": str(docs), "ids": ["a1"], "settings": {"llm.max_tokens": 50},
                        "min": {"outcome_accuracy": minimum}, "max": {"errors": 0}}}
    path = tmp_path / "thresholds.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_gate_with_fakes_passes_and_fails_on_threshold(settings, tmp_path):
    lines: list[str] = []
    spec = tiny_spec(tmp_path, 0.5)
    assert run_gate(settings, thresholds_path=spec, output_dir=tmp_path / "out", echo=lines.append) == []
    assert any(line.startswith("[skip] retrieval absent") for line in lines)
    assert (tmp_path / "out" / "gate_answers.json").is_file()
    failing = tiny_spec(tmp_path / "strict", 1.01)  # impossible minimum
    failures = run_gate(settings, thresholds_path=failing, echo=lines.append)
    assert any(f.startswith("retrieval tiny: hybrid.recall@5") for f in failures)
    assert any(f.startswith("answers: outcome_accuracy") for f in failures)


@pytest.mark.real_embedder
@pytest.mark.real_model
@pytest.mark.shared_data
def test_real_gate_quick(real_settings, real_embedder, real_llm, shared_data, monkeypatch, tmp_path):
    """The CI gate itself: KB gold set + NIST set with MiniLM, three answers with the 1.5B model."""
    monkeypatch.setenv("COPILOT_SHARED_DATA", str(shared_data))
    lines: list[str] = []
    failures = run_gate(real_settings, quick=True, embedder=real_embedder, llm=real_llm, echo=lines.append,
                        output_dir=tmp_path / "gate")
    assert failures == [], "\n".join(lines)
    assert any(line.startswith("[ok] retrieval nist") for line in lines)
    assert (tmp_path / "gate" / "gate_answers.json").is_file()


def test_gate_cli_exit_status(tmp_path):
    from typer.testing import CliRunner

    from copilot.cli import app

    runner = CliRunner()
    common = ["--profile", "test", "--set", f"data_dir={tmp_path / 'data'}", "--skip-answers"]
    ok = runner.invoke(app, ["eval", "gate", "--thresholds", str(tiny_spec(tmp_path / "ok", 0.5)), *common])
    assert ok.exit_code == 0, ok.output
    assert "gate passed" in ok.output
    bad = runner.invoke(app, ["eval", "gate", "--thresholds", str(tiny_spec(tmp_path / "bad", 1.01)), *common])
    assert bad.exit_code == 1 and "gate failed" in " ".join(bad.output.split())
    missing = runner.invoke(app, ["eval", "gate", "--thresholds", str(tmp_path / "nope.yaml"), *common])
    assert missing.exit_code == 2 and "thresholds file not found" in " ".join(missing.output.split())
