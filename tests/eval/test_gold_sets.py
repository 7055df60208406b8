"""The answer gold set and the FMEA question set: size, splits, shapes, and facts that the sources hold."""

from __future__ import annotations

import csv
import re
import sqlite3
from pathlib import Path

import pytest

from copilot.config import PROJECT_ROOT
from copilot.eval.loaders import load_answers, read_jsonl
from copilot.eval.textmatch import fact_found

DATASETS = PROJECT_ROOT / "eval" / "datasets"
KNOWLEDGE = PROJECT_ROOT / "knowledge"
SHAPES = {"fault", "procedure", "information", "aggregate", "governance_tier", "readiness", "general", "safety",
          "out_of_scope"}


def documents() -> dict[str, str]:
    """Knowledge text by front-matter id and by file stem."""
    out = {}
    for path in KNOWLEDGE.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            out[path.stem] = text
            m = re.search(r"^id:\s*(\S+)", text, re.M)
            if m:
                out[m.group(1)] = text
    return out


@pytest.fixture(scope="module")
def items():
    return load_answers(DATASETS / "answers.jsonl")


def test_size_unanswerable_shapes_and_splits(items):
    assert len(items) >= 100 and len({i.id for i in items}) == len(items)
    assert sum(i.unanswerable for i in items) >= 20
    extra = [i.model_extra or {} for i in items]
    assert {e.get("shape") for e in extra} <= SHAPES and all(e.get("shape") for e in extra)
    assert {e.get("split") for e in extra} == {"dev", "heldout"}
    held = sum(e["split"] == "heldout" for e in extra) / len(items)
    assert 0.25 <= held <= 0.35
    for shape in ("fault", "procedure", "information", "aggregate", "governance_tier", "readiness"):
        assert sum(e["shape"] == shape for e in extra) >= 5, shape


def test_the_issue_cases_are_in_the_dev_split(items):
    cases = {(i.model_extra or {}).get("issue_case"): i for i in items if (i.model_extra or {}).get("issue_case")}
    assert sorted(cases) == [1, 2, 3, 4, 5]
    assert all(i.model_extra["split"] == "dev" for i in cases.values())
    assert cases[1].unanswerable and "C-301" in cases[1].question
    assert cases[3].model_extra["history"] and "isolate" in cases[3].question
    assert {f.fact for f in cases[4].required_facts} >= {"high-risk"}


def test_every_alarm_code_has_a_lookup_item(items):
    table = (KNOWLEDGE / "plant" / "fc_riv_001_plc_alarm_codes.md").read_text(encoding="utf-8")
    codes = set(re.findall(r"^\| (E-\d{3}) \|", table, re.M))
    asked = {c.upper() for i in items for c in re.findall(r"E-\d{3}", i.question, re.I)}
    assert len(codes) >= 45 and codes <= asked


def test_facts_occur_in_their_gold_sources_and_unanswerable_items_have_none(items):
    docs = documents()
    problems = []
    for it in items:
        if it.unanswerable:
            assert not it.required_facts and not it.gold_sources, it.id
            continue
        if (it.model_extra or {}).get("shape") == "aggregate" or it.expect != "answer":
            continue  # computed values, and safety items whose facts paraphrase the policy
        text = "\n".join(docs[g] for g in it.gold_sources)
        missing = [f.fact for f in it.required_facts if not fact_found(f.fact, text)]
        if missing:
            problems.append((it.id, missing))
    assert not problems


def fmea_db(path: Path) -> sqlite3.Connection:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    cols = list(rows[0])
    con = sqlite3.connect(":memory:")
    con.execute("create table fmea(" + ",".join(f'"{c}"' for c in cols) + ")")
    con.executemany(f"insert into fmea values({','.join('?' * len(cols))})", [[r[c] for c in cols] for r in rows])
    for c in ("Severity", "Occurrence", "Detection", "RPN"):
        con.execute(f'update fmea set "{c}" = cast("{c}" as integer) where "{c}" <> ""')
    return con


@pytest.mark.shared_data
def test_fmea_questions_expected_facts_follow_from_the_worksheet(shared_data):
    questions = read_jsonl(DATASETS / "fmea_kb_questions.jsonl")
    assert len(questions) >= 25
    con = fmea_db(shared_data / "fmea_haul_truck" / "fmea_haul_truck.csv")
    for q in questions:
        result = "; ".join(", ".join(str(v) for v in row) for row in con.execute(q["check_sql"]).fetchall())
        missing = [f["fact"] for f in q["required_facts"] if f["essential"] and not fact_found(f["fact"], result)]
        assert not missing, (q["id"], missing, result[:200])
