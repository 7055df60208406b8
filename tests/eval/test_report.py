"""Report writing (JSON, Markdown, PNG) and run comparison."""

from __future__ import annotations

import copy
import json

from copilot.eval.report import (
    compare,
    headline,
    load_report,
    lower_is_better,
    to_markdown,
    weakest_items,
    write_report,
)


def retrieval_report(ndcg: float = 0.8, p50: float = 0.01) -> dict:
    per_query = [{"id": "q1", "latency_s": p50, "recall@1": 1.0}, {"id": "q2", "latency_s": p50 * 2, "recall@1": 0.0}]
    metrics = {"recall@1": 0.5, "recall@5": 1.0, "recall@10": 1.0, "precision@5": 0.2, "mrr@10": 0.75,
               "ndcg@10": ndcg, "map": 0.75}
    return {"kind": "retrieval", "info": {"git_revision": "abc", "model": {"name": "m"}},
            "dataset": {"path": "x", "queries": 2, "level": "doc", "k": 10, "fetch_k": 30, "corpus_docs": 0},
            "metric_names": list(metrics),
            "modes": {m: {"metrics": dict(metrics), "latency": {"p50": p50, "p95": p50 * 2},
                          "queries": 2, "per_query": per_query} for m in ("bm25", "hybrid")}}


def answers_report() -> dict:
    m = {"n": 2, "routing_accuracy": 0.5, "outcome_accuracy": 1.0, "citation_validity": 1.0, "citation_precision": 0.5,
         "citation_recall": 1.0, "fact_recall_exact": 0.5, "fact_recall_semantic": 0.75, "judge_grounded_rate": None,
         "ttft_p50": 1.0, "total_p50": 4.0, "tokens_per_s": 12.0, "errors": 0}
    items = [{"id": "a1", "agent": "maintenance", "expect": "answer", "outcome": "answer", "outcome_correct": True,
              "route_correct": False, "route": "general", "fact_recall_exact": 0.0, "fact_recall_semantic": 0.5,
              "facts": [{"fact": "NPSH", "exact": False}], "total_s": 4.0, "ttft_s": 1.0},
             {"id": "a2", "agent": "readiness", "expect": "refuse", "outcome": "refuse", "outcome_correct": True,
              "route_correct": True, "total_s": 2.0, "ttft_s": None}]
    return {"kind": "answers", "info": {}, "metrics": m, "per_agent": {"maintenance": m, "readiness": m},
            "per_item": items}


def test_write_report_creates_json_md_and_pngs(tmp_path):
    out = write_report(retrieval_report(), tmp_path / "sub" / "run.json")
    assert json.loads(out["json"].read_text())["kind"] == "retrieval"
    md = out["md"].read_text()
    assert "| hybrid |" in md and "0.800" in md and "run_metrics.png" in md
    assert len(out["plots"]) == 2
    for p in out["plots"]:
        assert p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ans = write_report(answers_report(), tmp_path / "answers")  # suffix added
    assert ans["json"].name == "answers.json"
    assert {p.name for p in ans["plots"]} == {"answers_agents.png", "answers_latency.png"}
    assert "Weakest items" in ans["md"].read_text()


def test_compare_flags_score_drop_and_latency_growth_only_beyond_tolerance():
    old = retrieval_report(ndcg=0.80, p50=0.010)
    rows = {r["metric"]: r for r in compare(retrieval_report(ndcg=0.79, p50=0.011), old, tolerance=0.02)}
    assert not rows["hybrid.ndcg@10"]["regression"]
    assert not rows["hybrid.latency_p50_s"]["regression"]
    rows = {r["metric"]: r for r in compare(retrieval_report(ndcg=0.70, p50=0.02), old, tolerance=0.02)}
    assert rows["hybrid.ndcg@10"]["regression"] and rows["hybrid.ndcg@10"]["delta"] < 0
    assert rows["bm25.latency_p50_s"]["regression"]
    rows = {r["metric"]: r for r in compare(retrieval_report(ndcg=0.95), old)}
    assert not any(r["regression"] for r in rows.values())


def test_compare_answers_tokens_per_s_higher_is_better():
    old = answers_report()
    new = copy.deepcopy(old)
    new["metrics"]["tokens_per_s"] = 6.0
    new["metrics"]["fact_recall_semantic"] = 0.9
    rows = {r["metric"]: r for r in compare(new, old)}
    assert rows["tokens_per_s"]["regression"]
    assert not rows["fact_recall_semantic"]["regression"]
    assert lower_is_better("ttft_p50") and lower_is_better("hybrid.latency_p95_s")
    assert not lower_is_better("essential_fact_recall_semantic") and not lower_is_better("tokens_per_s")


def test_headline_skips_none_and_markdown_lists_comparison(tmp_path):
    h = headline(answers_report())
    assert "judge_grounded_rate" not in h and h["maintenance.routing_accuracy"] == 0.5
    rep = retrieval_report(ndcg=0.5)
    rep["comparison"] = compare(rep, retrieval_report())
    rep["compared_with"] = "old.json"
    assert "REGRESSION" in to_markdown(rep)


def test_weakest_items_explain_what_went_wrong():
    weak = weakest_items(answers_report())
    assert weak[0]["id"] == "a1"
    assert "routed to general" in weak[0]["why"] and "NPSH" in weak[0]["why"]
    assert all(w["id"] != "a2" for w in weak)


def test_load_report_rejects_other_json(tmp_path):
    p = tmp_path / "x.json"
    p.write_text("[1, 2]")
    try:
        load_report(p)
    except ValueError as exc:
        assert "not an eval report" in str(exc)
    else:
        raise AssertionError("expected ValueError")


def test_from_partial_rebuilds_answers_report(tmp_path):
    from copilot.eval.from_partial import main

    partial = tmp_path / "run.partial.jsonl"
    partial.write_text("\n".join(json.dumps(it) for it in answers_report()["per_item"]) + "\n")
    assert main([str(partial), str(tmp_path / "rebuilt.json"), "--set", "llm.max_tokens=99"]) == 0
    rebuilt = load_report(tmp_path / "rebuilt.json")
    assert rebuilt["metrics"]["n"] == 2 and set(rebuilt["per_agent"]) == {"maintenance", "readiness"}
    assert rebuilt["metrics"]["routing_accuracy"] == 0.5
    assert rebuilt["info"]["settings"]["llm"]["max_tokens"] == 99
    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main([str(empty), str(tmp_path / "x.json")]) == 2
