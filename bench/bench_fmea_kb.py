"""Benchmark: spreadsheet questions over the haul-truck FMEA with the whole knowledge base indexed.

The copilot answers each question of eval/datasets/fmea_kb_questions.jsonl through the conversation
service (router, retrieval, table plans, agents: what a user gets), over a temporary index of
``knowledge/`` plus ``../shared/data/fmea_haul_truck/fmea_haul_truck.csv`` (so plant alarm codes and
SOPs compete with the worksheet). Expected answers were computed with SQLite over the CSV and checked
by hand.

A question is **fully right** when, in the answer text the API returns:
  1. every essential fact occurs (normalised, whole-token match: "4" does not match "24"),
  2. none of the question's ``forbidden_values`` occurs (the value of a neighbouring row or column),
  3. the copilot neither refused nor abstained, and the run raised no error.
Also reported: essential-fact recall, answers citing the worksheet, answers with a figure absent from
every shown source, and median seconds per question.

    .venv/bin/python bench/bench_fmea_kb.py                 # writes var/bench/fmea_kb.json
    .venv/bin/python bench/bench_fmea_kb.py --report        # writes docs/benchmarks/fmea_kb.md from it
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from copilot.config import load_settings  # noqa: E402
from copilot.eval.textmatch import fact_found  # noqa: E402

QUESTIONS = ROOT / "eval" / "datasets" / "fmea_kb_questions.jsonl"
FMEA = ROOT.parent / "shared" / "data" / "fmea_haul_truck" / "fmea_haul_truck.csv"
OUT = ROOT / "var" / "bench" / "fmea_kb.json"
REPORT = ROOT / "docs" / "benchmarks" / "fmea_kb.md"


def judge_item(question: dict[str, Any], rec: dict[str, Any]) -> dict[str, Any]:
    """Apply the fully-right criteria (module docstring) to one scored answer record."""
    text = rec.get("text") or ""
    essential = [f["fact"] for f in question["required_facts"] if f.get("essential", True)]
    missing = [f for f in essential if not fact_found(f, text)]
    forbidden = [v for v in question.get("forbidden_values", []) if fact_found(v, text)]
    abstained = bool(rec.get("abstained")) or rec.get("outcome") in ("refuse", "escalate")
    error = rec.get("error") or ""
    return {"id": question["id"], "category": question.get("category", "other"), "missing": missing,
            "forbidden_found": forbidden, "abstained": abstained, "error": error,
            "fully_right": not missing and not forbidden and not abstained and not error,
            "essential_found": len(essential) - len(missing), "essential_n": len(essential),
            "cites_worksheet": "fmea_haul_truck" in (rec.get("cited") or []),
            "unsourced_figures": rec.get("unsourced_figures") or [], "seconds": rec.get("total_s"),
            "text": text}


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    secs = sorted(r["seconds"] for r in rows if r["seconds"] is not None)
    cats: dict[str, list[int]] = {}
    for r in rows:
        c = cats.setdefault(r["category"], [0, 0])
        c[0], c[1] = c[0] + r["fully_right"], c[1] + 1
    return {"n": len(rows), "fully_right": sum(r["fully_right"] for r in rows),
            "essential_fact_recall": sum(r["essential_found"] for r in rows) / max(1, sum(r["essential_n"] for r in rows)),
            "cites_worksheet": sum(r["cites_worksheet"] for r in rows),
            "answers_with_unsourced_figure": sum(bool(r["unsourced_figures"]) for r in rows),
            "abstained": sum(r["abstained"] for r in rows), "errors": sum(bool(r["error"]) for r in rows),
            "median_seconds": secs[len(secs) // 2] if secs else None,
            "per_category": {k: f"{v[0]}/{v[1]}" for k, v in sorted(cats.items())}}


def run(questions_path: Path, overrides: list[str], ids: list[str] | None) -> dict[str, Any]:
    from copilot.eval.retrieval_eval import build_temp_index
    from copilot.eval.run import answers_run
    from copilot.retrieval.embedder import build_embedder

    if not FMEA.is_file():
        raise SystemExit(f"{FMEA} not found (the shared data folder is ../shared/data)")
    with tempfile.TemporaryDirectory(prefix="bench-fmea-kb-") as tmp:
        settings = load_settings(profile="default", overrides=[f"data_dir={tmp}/base", *overrides])
        embedder = build_embedder(settings)
        prebuilt = build_temp_index(settings, [ROOT / "knowledge", FMEA], Path(tmp), embedder, progress=True)
        report = answers_run(settings, questions_path, ids=ids, judge=False, entail=False, embedder=embedder,
                             docs=ROOT / "knowledge", prebuilt=prebuilt, command="bench/bench_fmea_kb.py",
                             partial=OUT.with_suffix(".partial.jsonl"))
    questions = {q["id"]: q for q in map(json.loads, questions_path.read_text().splitlines()) if q}
    rows = [judge_item(questions[r["id"]], r) for r in report["per_item"]]
    return {"summary": summary(rows), "rows": rows, "info": report["info"],
            "index": "knowledge/ + fmea_haul_truck.csv (temporary index)"}


def write_report(result: dict[str, Any]) -> str:
    s = result["summary"]
    info = result.get("info", {})
    lines = ["# FMEA spreadsheet questions with the whole knowledge base indexed", "",
             f"- questions: `eval/datasets/fmea_kb_questions.jsonl` ({s['n']} run; expected answers computed with "
             "SQLite over the CSV, checked by hand)",
             f"- index: {result['index']}; model: {info.get('model', {}).get('name', '')}; git {info.get('git_revision', '')}",
             f"- created: {info.get('created', '')}; machine: 2 cores, no GPU, shared with other jobs (NOT quiet)", "",
             "| fully right | essential-fact recall | cite the worksheet | answers with a figure in no shown source | abstained | errors | median s |",
             "|---|---|---|---|---|---|---|",
             f"| {s['fully_right']}/{s['n']} | {s['essential_fact_recall']:.0%} | {s['cites_worksheet']}/{s['n']} | "
             f"{s['answers_with_unsourced_figure']} | {s['abstained']} | {s['errors']} | {s['median_seconds']} |", "",
             "Fully right per category: " + ", ".join(f"{k} {v}" for k, v in s["per_category"].items()), "",
             "Criteria (all must hold): every essential fact in the answer (normalised whole-token match), no "
             "forbidden value (a neighbouring row's or column's value), no refusal or abstention, no error.", "",
             "| id | category | fully right | missing | forbidden found | unsourced figures |", "|---|---|---|---|---|---|"]
    for r in result["rows"]:
        lines.append(f"| {r['id']} | {r['category']} | {'yes' if r['fully_right'] else 'no'} | {r['missing']} | "
                     f"{r['forbidden_found']} | {r['unsourced_figures'][:4]} |")
    lines += ["", "Command: `.venv/bin/python bench/bench_fmea_kb.py && .venv/bin/python bench/bench_fmea_kb.py --report`", ""]
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--questions", type=Path, default=QUESTIONS)
    ap.add_argument("--report", action="store_true", help="Write docs/benchmarks/fmea_kb.md from var/bench/fmea_kb.json.")
    ap.add_argument("--ids", default="", help="Comma-separated question ids to run.")
    ap.add_argument("--set", dest="overrides", action="append", default=[], help="Settings override, e.g. llm.n_threads=2.")
    args = ap.parse_args()
    if args.report:
        text = write_report(json.loads(OUT.read_text()))
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(text, encoding="utf-8")
        print(text)
        return
    result = run(args.questions, args.overrides, [i for i in args.ids.split(",") if i] or None)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    print(json.dumps(result["summary"], indent=1))


if __name__ == "__main__":
    main()
