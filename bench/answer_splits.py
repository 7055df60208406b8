"""Per-split summary of a `copilot eval answers --output P` report (P.json): essential facts, abstention, TTFT.

Usage: python bench/answer_splits.py P.json [P2.json ...]
Prints, per report and split: answerable items, mean essential-fact recall (exact and, when run, entailment),
unanswerable items abstained, answerable items abstained, answers with a figure no shown source holds, and the
median time to first token over all answers and over the model-written ones (those with an LLM first-token timing).
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict


def summary(path: str) -> dict[str, dict[str, object]]:
    items = json.load(open(path, encoding="utf-8"))["per_item"]
    by_split: dict[str, list[dict]] = defaultdict(list)
    for item in items:
        by_split[item.get("split") or "-"].append(item)
    out = {}
    for split, rows in sorted(by_split.items()):
        answerable = [r for r in rows if not r.get("unanswerable")]
        unanswerable = [r for r in rows if r.get("unanswerable")]
        exact = [r["essential_fact_recall_exact"] for r in answerable if r.get("essential_fact_recall_exact") is not None]
        entail = [r["essential_fact_recall_entailment"] for r in answerable
                  if r.get("essential_fact_recall_entailment") is not None]
        ttft = [r["ttft_s"] for r in rows if r.get("ttft_s") is not None]
        model = [r["ttft_s"] for r in rows if r.get("ttft_s") is not None and
                 "llm_first_token" in (r.get("service_timings") or {})]
        out[split] = {
            "answerable": len(answerable),
            "essential_exact": round(statistics.mean(exact), 3) if exact else None,
            "essential_entail": round(statistics.mean(entail), 3) if entail else None,
            "abstained_unanswerable": f"{sum(bool(r.get('abstained')) for r in unanswerable)}/{len(unanswerable)}",
            "abstained_answerable": sum(bool(r.get("abstained")) for r in answerable),
            "unsourced_figure_answers": sum(bool(r.get("has_unsourced_figure")) for r in rows),
            "computed_figure_answers": sum(bool(r.get("computed_figures")) for r in rows),
            "ttft_median_s": round(statistics.median(ttft), 2) if ttft else None,
            "model_written": len(model),
            "ttft_model_median_s": round(statistics.median(model), 2) if model else None,
        }
    return out


if __name__ == "__main__":
    for report in sys.argv[1:]:
        for split, figures in summary(report).items():
            print(report, split, json.dumps(figures))
