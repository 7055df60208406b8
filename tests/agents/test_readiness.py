"""Readiness scoring: schema validation, fallback, stage, deterministic report."""

from __future__ import annotations

import json

from agents.readiness_report import SCHEMA, compose_report, fallback_scores, parse_scores, stage_for
from copilot.types import Citation

GOOD = {**{f"{k}_score": 3 for k in ("strategy", "data", "infrastructure", "people", "governance", "measurement")},
        **{f"{k}_evidence": "e" for k in ("strategy", "data", "infrastructure", "people", "governance", "measurement")},
        "data_score": 1}


def test_schema_is_flat_and_validated():
    assert all(v["type"] in ("integer", "string") for v in SCHEMA["properties"].values())
    scores, method = parse_scores(json.dumps(GOOD), "desc")
    assert method == "model" and scores.data_score == 1
    scores, method = parse_scores('{"strategy_score": 9}', "We have no data strategy. Operators are trained.")
    assert method == "fallback" and scores.people_score == 3 and scores.governance_score == 1


def test_stage_rules():
    assert stage_for({k: 1 for k in ("strategy", "data", "infrastructure", "people", "governance", "measurement")})[0] == "Assess"
    assert stage_for({k: 3 for k in ("strategy", "data", "infrastructure", "people", "governance", "measurement")})[0] == "Advance"
    assert stage_for({k: 5 for k in ("strategy", "data", "infrastructure", "people", "governance", "measurement")})[0] == "Amplify"


def test_report_is_deterministic_with_gaps_roadmap_and_citation():
    src = [Citation(marker=1, chunk_id="c", doc_id="PB-003", title="Roadmap", text="t")]
    scores, _ = parse_scores(json.dumps(GOOD), "")
    report, structured = compose_report(scores, "model", src)
    assert report == compose_report(scores, "model", src)[0]
    assert structured["gaps"][0] == "Data" and structured["stage"] == "Assess"
    assert "[1]" in report and "Owner:" in report and "KPI:" in report
    assert fallback_scores("").strategy_score == 1
