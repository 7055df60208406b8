"""Accuracy of the EU AI Act triage over labelled use cases.

    python -m copilot.agents.governance_eval [--dataset PATH] [--split test|dev|all] [--embedder real|fake|none]

Items are JSONL ``{"text", "tier", "rule" (optional), "split"}``; prints accuracy, per-tier recall, the
confusion matrix and every error as JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from copilot.agents.governance_triage import ORDER, triage
from copilot.config import PROJECT_ROOT, load_settings
from copilot.jsonl import read_jsonl_lines
from copilot.retrieval.embedder import Embedder, FakeEmbedder, build_embedder

DEFAULT_DATASET = PROJECT_ROOT / "tests" / "agents" / "data" / "governance_triage.jsonl"
TIERS = list(ORDER)


def load_items(path: Path, split: str = "all") -> list[dict[str, Any]]:
    items = []
    for n, item in read_jsonl_lines(path):
        if item.get("tier") not in ORDER or not item.get("text"):
            raise ValueError(f"{path}:{n}: needs 'text' and 'tier' in {TIERS}")
        if split == "all" or item.get("split", "test") == split:
            items.append(item)
    return items


def evaluate_triage(items: list[dict[str, Any]], embedder: Embedder | None) -> dict[str, Any]:
    """Triage every item; tier accuracy, rule accuracy (where a rule is labelled), confusion, errors."""
    if not items:
        raise ValueError("no items to evaluate")
    confusion = {g: dict.fromkeys(TIERS, 0) for g in TIERS}
    errors, rule_n, rule_ok = [], 0, 0
    for item in items:
        d = triage(item["text"], embedder)
        confusion[item["tier"]][d.tier] += 1
        deciding = [m.key for m in d.matches if m.tier == d.tier]
        if item.get("rule"):
            rule_n += 1
            rule_ok += item["rule"] in deciding
        if d.tier != item["tier"] or (item.get("rule") and item["rule"] not in deciding):
            errors.append({"text": item["text"], "gold": item["tier"], "pred": d.tier, "gold_rule": item.get("rule"),
                           "rules": deciding, "closest": d.closest.key if d.closest else None,
                           "closest_score": d.closest.score if d.closest else None})
    n = len(items)
    correct = sum(confusion[t][t] for t in TIERS)
    recall = {t: round(confusion[t][t] / sum(confusion[t].values()), 3) if sum(confusion[t].values()) else None
              for t in TIERS}
    return {"n": n, "correct": correct, "accuracy": round(correct / n, 4),
            "rule_accuracy": round(rule_ok / rule_n, 4) if rule_n else None, "recall": recall,
            "confusion": confusion, "errors": errors}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    ap.add_argument("--split", default="all", choices=["all", "dev", "test", "holdout"])
    ap.add_argument("--embedder", default="real", choices=["real", "fake", "none"])
    args = ap.parse_args(argv)
    embedder = {"real": lambda: build_embedder(load_settings(profile="default")), "fake": FakeEmbedder,
                "none": lambda: None}[args.embedder]()
    report = evaluate_triage(load_items(args.dataset, args.split), embedder)
    json.dump(report, sys.stdout, indent=1)
    print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
