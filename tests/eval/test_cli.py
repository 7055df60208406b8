"""`copilot eval retrieval|answers` on tiny datasets with the test profile (fake LLM and embedder)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from copilot.cli import app
from tests.eval.test_loaders import make_beir

runner = CliRunner()

DOCS = {
    "pump.md": "---\nid: TG-P\ntitle: Pump guide\n---\n\n# Pump guide\n\n## Cavitation\n\nCavitation at pump P-101 "
               "comes from low suction pressure. Check the suction strainer first, then NPSH margin.\n",
    "motor.md": "---\nid: TG-M\ntitle: Motor guide\n---\n\n# Motor guide\n\n## Overheating\n\nMotor overheating "
                "comes from blocked cooling fins or overload. Measure winding temperature.\n",
}


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def flat(res) -> str:
    """Output with Rich's line wrapping undone."""
    return " ".join(res.output.split())


def invoke(args: list[str], tmp_path: Path):
    return runner.invoke(app, [*args, "--profile", "test", "--quiet", "--set", f"data_dir={tmp_path / 'data'}"])


def test_retrieval_cli_with_corpus_writes_report_and_flags_regression(tmp_path):
    ds = make_beir(tmp_path / "ds", corpus=True)
    out = tmp_path / "out" / "ret.json"
    res = invoke(["eval", "retrieval", "--dataset", str(ds), "--modes", "bm25,hybrid", "--output", str(out)], tmp_path)
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text())
    assert set(report["modes"]) == {"bm25", "hybrid"}
    assert report["dataset"]["queries"] == 2 and report["dataset"]["corpus_docs"] == 3
    assert report["info"]["settings"]["embedder"]["backend"] == "fake"
    assert report["info"]["git_revision"]
    assert report["info"]["index"]["documents"] == 3
    q2 = next(q for q in report["modes"]["bm25"]["per_query"] if q["id"] == "q2")
    assert q2["ranking"][0] == "D3" and q2["recall@1"] == 1.0
    assert out.with_suffix(".md").is_file() and (out.parent / "ret_metrics.png").is_file()

    # a doctored "old" run that was better: compare must flag it and --fail-on-regression exit 1
    old = json.loads(out.read_text())
    for mode in old["modes"].values():
        mode["metrics"]["mrr@10"] = 2.0
    old_path = tmp_path / "old.json"
    old_path.write_text(json.dumps(old))
    res = invoke(["eval", "retrieval", "--dataset", str(ds), "--modes", "bm25", "--compare", str(old_path),
                  "--fail-on-regression"], tmp_path)
    assert res.exit_code == 1, res.output
    assert "REGRESSION" in flat(res)


def test_retrieval_cli_docs_folder_and_bad_input(tmp_path, docs):
    ds = make_beir(tmp_path / "ds")
    qrels = ds / "qrels" / "test.tsv"
    qrels.write_text("query-id\tcorpus-id\tscore\nq1\tTG-P\t1\nq2\tTG-M\t1\n", encoding="utf-8")
    out = tmp_path / "r.json"
    res = invoke(["eval", "retrieval", "--dataset", str(ds), "--docs", str(docs), "--output", str(out)], tmp_path)
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text())
    assert report["modes"]["hybrid"]["metrics"]["recall@1"] == 1.0
    res = invoke(["eval", "retrieval", "--dataset", str(ds), "--modes", "bm25,magic"], tmp_path)
    assert res.exit_code == 2 and "unknown mode" in flat(res)
    res = invoke(["eval", "retrieval", "--dataset", str(tmp_path / "nope")], tmp_path)
    assert res.exit_code == 2 and "not a directory" in flat(res)


def test_answers_cli_over_docs_folder(tmp_path, docs):
    data = tmp_path / "answers.jsonl"
    items = [
        {"id": "m1", "question": "Why does pump P-101 cavitate?", "agent": "maintenance", "gold_sources": ["TG-P"],
         "required_facts": [{"fact": "low suction pressure", "essential": True}, {"fact": "impeller wear",
                                                                                  "essential": False}],
         "expect": "answer"},
        {"id": "m2", "question": "Motor M-3 is overheating, what should I check?", "agent": "maintenance",
         "gold_sources": ["TG-M"], "required_facts": ["winding temperature"], "expect": "answer"},
    ]
    data.write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    out = tmp_path / "ans.json"
    res = invoke(["eval", "answers", "--dataset", str(data), "--docs", str(docs), "--output", str(out)], tmp_path)
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text())
    assert report["metrics"]["n"] == 2 and report["metrics"]["errors"] == 0
    assert "maintenance" in report["per_agent"]
    first = report["per_item"][0]
    assert first["text"] and first["total_s"] > 0
    assert first["fact_recall_exact"] is not None and first["fact_recall_semantic"] >= first["fact_recall_exact"]
    assert first["citation_recall"] is not None
    assert report["info"]["model"]["backend"] == "fake"
    assert (tmp_path / "ans_agents.png").is_file()
    res = invoke(["eval", "answers", "--dataset", str(data), "--docs", str(docs), "--limit", "1", "--no-judge"],
                 tmp_path)
    assert res.exit_code == 0, res.output
    forced = tmp_path / "forced.json"
    res = invoke(["eval", "answers", "--dataset", str(data), "--docs", str(docs), "--agent", "maintenance",
                  "--limit", "1", "--no-judge", "--output", str(forced)], tmp_path)
    assert res.exit_code == 0, res.output
    forced_report = json.loads(forced.read_text())
    assert forced_report["forced_agent"] == "maintenance" and forced_report["per_item"][0]["route_correct"] is None
    assert forced_report["metrics"]["routing_accuracy"] is None
    res = invoke(["eval", "answers", "--dataset", str(data), "--agent", "wizard"], tmp_path)
    assert res.exit_code == 2 and "unknown agent 'wizard'" in flat(res)
    res = invoke(["eval", "answers", "--dataset", str(tmp_path / "missing.jsonl")], tmp_path)
    assert res.exit_code == 2 and "file not found" in flat(res)


def test_bad_setting_override_is_reported(tmp_path):
    res = runner.invoke(app, ["eval", "retrieval", "--dataset", str(tmp_path), "--profile", "test",
                              "--set", "retrieval.k=0"])
    assert res.exit_code == 2 and "retrieval.k" in flat(res)


def test_answers_over_configured_index_keeps_eval_threads_out_of_the_data_dir(tmp_path, docs, settings):
    from copilot.ingest.pipeline import ingest_paths

    data_dir = tmp_path / "data"
    ingest_paths(settings.model_copy(update={"data_dir": data_dir}), [docs], progress=False)
    before = sorted(p.name for p in data_dir.iterdir())
    data = tmp_path / "a.jsonl"
    data.write_text(json.dumps({"id": "m1", "question": "Why does pump P-101 cavitate?", "agent": "maintenance",
                                "gold_sources": ["TG-P"]}) + "\n", encoding="utf-8")
    out = tmp_path / "cfg.json"
    res = invoke(["eval", "answers", "--dataset", str(data), "--no-judge", "--output", str(out)], tmp_path)
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text())
    assert report["info"]["index"]["documents"] == 2 and "configured index" in report["info"]["index"]["source"]
    assert report["per_item"][0]["citation_recall"] == 1.0
    assert sorted(p.name for p in data_dir.iterdir()) == before  # no checkpoints/audit written there


def test_answers_cli_split_entailment_and_shapes(tmp_path, docs):
    data = tmp_path / "answers.jsonl"
    items = [
        {"id": "d1", "question": "Why does pump P-101 cavitate?", "agent": "maintenance", "shape": "fault",
         "split": "dev", "required_facts": ["low suction pressure", "NPSH margin is 3 m"], "gold_sources": ["TG-P"]},
        {"id": "h1", "question": "Motor M-3 is overheating, what should I check?", "agent": "maintenance",
         "shape": "information", "split": "heldout", "required_facts": ["winding temperature"]},
    ]
    data.write_text("\n".join(json.dumps(i) for i in items), encoding="utf-8")
    out = tmp_path / "dev.json"
    res = invoke(["eval", "answers", "--dataset", str(data), "--docs", str(docs), "--split", "dev", "--no-judge",
                  "--output", str(out)], tmp_path)
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text())
    assert [i["id"] for i in report["per_item"]] == ["d1"] and report["dataset"]["split"] == "dev"
    assert report["entailment"] is True and set(report["per_shape"]) == {"fault"}
    item = report["per_item"][0]
    # the fake LLM's smallest schema instance is {"entailed": false}: entailment falls back to exact matches only
    assert item["fact_recall_entailment"] == item["fact_recall_exact"]
    assert "unsourced_figures" in item and report["metrics"]["answers_with_unsourced_figure"] >= 0
    assert "Per answer shape" in out.with_suffix(".md").read_text()
    res = invoke(["eval", "answers", "--dataset", str(data), "--docs", str(docs), "--split", "test"], tmp_path)
    assert res.exit_code == 2 and "no items left" in flat(res)


def test_entailment_cli_reports_agreement(tmp_path):
    labels = tmp_path / "labels.jsonl"
    rows = [{"answer": "Alarm at 4.5 mm/s [1].", "fact": "4.5 mm/s", "label": True, "kind": "exact"},
            {"answer": "Alarm at 4.5 mm/s [1].", "fact": "The alarm is at 7.1 mm/s.", "label": False, "kind": "wrong_number"}]
    labels.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    out = tmp_path / "ent.json"
    res = invoke(["eval", "entailment", "--dataset", str(labels), "--output", str(out)], tmp_path)
    assert res.exit_code == 0, res.output
    report = json.loads(out.read_text())
    assert report["check"]["accuracy"] == 1.0 and report["check"]["n"] == 2  # exact hit + fake model's "false"
    assert "model_only" in out.with_suffix(".md").read_text()
    res = invoke(["eval", "entailment", "--dataset", str(tmp_path / "none.jsonl")], tmp_path)
    assert res.exit_code == 2 and "file not found" in flat(res)
