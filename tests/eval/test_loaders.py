"""BEIR and answers loaders: happy path and precise errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from copilot.eval.loaders import DatasetError, load_answers, load_beir, read_qrels


def make_beir(root: Path, corpus: bool = False) -> Path:
    (root / "qrels").mkdir(parents=True)
    queries = [{"_id": "q1", "text": "pump cavitation"}, {"_id": "q2", "text": "motor overheating"},
               {"_id": "q3", "text": "no judgements"}]
    (root / "queries.jsonl").write_text("\n".join(json.dumps(q) for q in queries) + "\n\n", encoding="utf-8")
    (root / "qrels" / "test.tsv").write_text(
        "query-id\tcorpus-id\tscore\nq1\tD1\t2\nq1\tD2\t1\nq2\tD3\t1\n", encoding="utf-8")
    if corpus:
        docs = [{"_id": "D1", "title": "Pumps", "text": "Cavitation noise at the pump suction."},
                {"_id": "D2", "title": "Seals", "text": "Seal leaks on pumps."},
                {"_id": "D3", "title": "Motors", "text": "Motor overheating and winding temperature."}]
        (root / "corpus.jsonl").write_text("\n".join(json.dumps(d) for d in docs), encoding="utf-8")
    return root


def test_load_beir_reads_queries_graded_qrels_and_corpus(tmp_path):
    ds = load_beir(make_beir(tmp_path / "ds", corpus=True))
    assert ds.queries == {"q1": "pump cavitation", "q2": "motor overheating"}  # q3 has no qrels
    assert ds.qrels["q1"] == {"D1": 2, "D2": 1}
    assert ds.corpus["D3"]["title"] == "Motors"


def test_load_beir_without_corpus(tmp_path):
    assert load_beir(make_beir(tmp_path / "ds")).corpus == {}


def test_beir_errors_name_the_file_and_line(tmp_path):
    with pytest.raises(DatasetError, match="not a directory"):
        load_beir(tmp_path / "missing")
    root = make_beir(tmp_path / "ds")
    (root / "queries.jsonl").write_text('{"_id": "q1", "text": "x"}\n{broken\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"queries.jsonl:2: invalid JSON"):
        load_beir(root)
    (root / "queries.jsonl").write_text('{"_id": "q1", "text": "x"}\n', encoding="utf-8")
    with pytest.raises(DatasetError, match="missing from queries.jsonl"):
        load_beir(root)  # q2 is in the qrels only
    bad = tmp_path / "bad.tsv"
    bad.write_text("q1\tD1\thigh\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="bad.tsv:1: score 'high'"):
        read_qrels(bad)
    bad.write_text("q1\tD1\n", encoding="utf-8")
    with pytest.raises(DatasetError, match="3 tab-separated columns"):
        read_qrels(bad)


def test_load_answers_validates_and_fills_ids(tmp_path):
    path = tmp_path / "a.jsonl"
    rows = [{"question": "Why does P-101 cavitate?", "agent": "maintenance", "gold_sources": ["TG-PUMP-001"],
             "required_facts": ["NPSH", {"fact": "suction strainer", "essential": False}], "expect": "answer"},
            {"id": "x2", "question": "Write me a poem", "expect": "refuse", "unanswerable": True}]
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    items = load_answers(path)
    assert items[0].id == "line-1" and items[1].id == "x2"
    assert items[0].required_facts[0].fact == "NPSH" and items[0].required_facts[0].essential
    assert not items[0].required_facts[1].essential
    path.write_text(json.dumps({"question": "q", "expect": "maybe"}), encoding="utf-8")
    with pytest.raises(DatasetError, match="item 1: expect"):
        load_answers(path)
    path.write_text("", encoding="utf-8")
    with pytest.raises(DatasetError, match="no items"):
        load_answers(path)
