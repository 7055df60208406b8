"""eval/build_gold.py: merge parts, check gold ids against knowledge/, write nothing on error."""

from __future__ import annotations

import json
from pathlib import Path

from copilot.eval.build_gold import build, knowledge_ids
from copilot.eval.loaders import load_answers, load_beir


def setup(tmp_path: Path) -> tuple[Path, Path, Path]:
    kb = tmp_path / "knowledge" / "plant"
    kb.mkdir(parents=True)
    (kb / "pump_guide.md").write_text("---\nid: TG-PUMP-001\ntitle: Pumps\n---\n# Pumps\n", encoding="utf-8")
    (kb / "alarms.csv").write_text("code,text\nE-1,trip\n", encoding="utf-8")
    parts = tmp_path / "parts"
    parts.mkdir()
    (parts / "retrieval_a.jsonl").write_text(
        json.dumps({"_id": "q1", "text": "pump cavitation", "gold": ["TG-PUMP-001"]}) + "\n"
        + json.dumps({"_id": "q2", "text": "alarm E-1", "gold": {"alarms": 2, "pump_guide": 1}}) + "\n",
        encoding="utf-8")
    (parts / "answers_a.jsonl").write_text(
        json.dumps({"id": "a1", "question": "Why cavitation?", "agent": "maintenance",
                    "gold_sources": ["TG-PUMP-001"], "required_facts": [{"fact": "NPSH", "essential": True}],
                    "expect": "answer"}) + "\n", encoding="utf-8")
    return tmp_path / "knowledge", parts, tmp_path / "out"


def test_knowledge_ids_has_front_matter_ids_and_stems(tmp_path):
    kb, _, _ = setup(tmp_path)
    assert knowledge_ids(kb) == {"TG-PUMP-001", "pump_guide", "alarms"}


def test_build_writes_beir_and_answers(tmp_path):
    kb, parts, out = setup(tmp_path)
    assert build(parts, kb, out) == []
    ds = load_beir(out / "kb_retrieval")
    assert ds.qrels == {"q1": {"TG-PUMP-001": 1}, "q2": {"alarms": 2, "pump_guide": 1}}
    assert [i.id for i in load_answers(out / "answers.jsonl")] == ["a1"]


def test_unknown_gold_id_and_duplicates_are_errors_and_nothing_is_written(tmp_path):
    kb, parts, out = setup(tmp_path)
    (parts / "retrieval_b.jsonl").write_text(
        json.dumps({"_id": "q1", "text": "dup", "gold": ["TG-PUMP-001"]}) + "\n"
        + json.dumps({"_id": "q3", "text": "x", "gold": ["NOPE-9"]}) + "\n", encoding="utf-8")
    (parts / "answers_b.jsonl").write_text(
        json.dumps({"id": "a1", "question": "again", "gold_sources": ["GHOST"]}) + "\n"
        + json.dumps({"id": "a2", "question": "q", "expect": "later"}) + "\n", encoding="utf-8")
    errors = build(parts, kb, out)
    text = "\n".join(errors)
    assert "duplicate query id q1" in text
    assert "'NOPE-9' is not a knowledge/ document" in text
    assert "duplicate item id a1" in text and "'GHOST'" in text
    assert "answers_b.jsonl:2: expect" in text
    assert not out.exists()


def test_no_parts_is_an_error(tmp_path):
    (tmp_path / "parts").mkdir()
    assert "no retrieval_" in build(tmp_path / "parts", tmp_path, tmp_path / "out")[0]
