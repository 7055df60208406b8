"""`copilot route`: single request and --eval, with the test profile (fake embedder, no model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from copilot.commands import route as route_cmd


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test harness."""

    route_cmd.register(app)
    return app


@pytest.fixture
def data(tmp_path: Path) -> Path:
    rows = [("pump bearing vibration high", "maintenance", "train"), ("EU AI Act risk tier", "governance", "train"),
            ("scale the AI pilot", "readiness", "train"), ("what can you do", "general", "train"),
            ("tell me a joke", "out_of_scope", "train"),
            ("P-101 bearing vibration", "maintenance", "test"), ("AI Act high-risk tier", "governance", "test")]
    path = tmp_path / "routing.jsonl"
    path.write_text("\n".join(json.dumps({"text": t, "route": r, "split": s}) for t, r, s in rows), encoding="utf-8")
    return path


def _base(tmp_path: Path) -> list[str]:
    return ["--profile", "test", "--set", f"data_dir={tmp_path / 'data'}", "--no-llm"]


def test_route_json(app, tmp_path: Path, data: Path) -> None:
    result = CliRunner().invoke(app, ["route", "E-204 on compressor C-301", "--json", "--examples", str(data),
                                      *_base(tmp_path)])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["route"] == "maintenance" and out["method"] == "pattern"
    assert set(out) == {"route", "confidence", "method", "scores"}


def test_route_explicit_agent_and_table(app, tmp_path: Path, data: Path) -> None:
    result = CliRunner().invoke(app, ["route", "E-204 on compressor", "--agent", "governance",
                                      "--examples", str(data), *_base(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "route: governance" in result.output and "explicit" in result.output


def test_route_bad_input(app, tmp_path: Path, data: Path) -> None:
    bad = CliRunner().invoke(app, ["route", "hello", "--agent", "plumber", *_base(tmp_path)])
    assert bad.exit_code == 2 and "unknown agent" in bad.output
    empty = CliRunner().invoke(app, ["route", *_base(tmp_path)])
    assert empty.exit_code == 2


def test_route_eval(app, tmp_path: Path, data: Path) -> None:
    result = CliRunner().invoke(app, ["route", "--eval", "--dataset", str(data), "--examples", str(data), "--json",
                                      *_base(tmp_path)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["n"] == 2 and report["accuracy"] == 1.0
    text = CliRunner().invoke(app, ["route", "--eval", "--dataset", str(data), "--examples", str(data),
                                    *_base(tmp_path)])
    assert "accuracy" in text.output and "| gold" in text.output
    missing = CliRunner().invoke(app, ["route", "--eval", "--dataset", str(tmp_path / "no.jsonl"), *_base(tmp_path)])
    assert missing.exit_code == 1 and "not found" in missing.output
