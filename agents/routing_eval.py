"""Routing accuracy and confusion matrix over labelled items (used by `copilot route --eval` and eval/)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from copilot.agents.router import Router
from copilot.types import ROUTES


def evaluate_routing(router: Router, items: list[dict[str, Any]]) -> dict[str, Any]:
    """Route every item (``{"text", "route"}``) and score it.

    Returns ``{"n", "correct", "accuracy", "per_route": {route: {"n", "recall", "precision"}},
    "confusion": {gold: {pred: count}}, "methods": {method: count}, "errors": [...]}``.
    """
    if not items:
        raise ValueError("no items to evaluate (is the test split empty?)")
    confusion = {g: {p: 0 for p in ROUTES} for g in ROUTES}
    methods: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    for item in items:
        gold = item["route"]
        if gold not in ROUTES:
            raise ValueError(f"item {item.get('text', '')[:60]!r} has unknown route {gold!r}")
        decision = router.route(item["text"], history=item.get("history"))
        confusion[gold][decision.route] += 1
        methods[decision.method] += 1
        if decision.route != gold:
            errors.append({"text": item["text"], "gold": gold, "pred": decision.route,
                           "confidence": decision.confidence, "method": decision.method})
    n = len(items)
    correct = sum(confusion[r][r] for r in ROUTES)
    per_route = {}
    for r in ROUTES:
        gold_n = sum(confusion[r].values())
        pred_n = sum(confusion[g][r] for g in ROUTES)
        per_route[r] = {"n": gold_n,
                        "recall": round(confusion[r][r] / gold_n, 4) if gold_n else None,
                        "precision": round(confusion[r][r] / pred_n, 4) if pred_n else None}
    return {"n": n, "correct": correct, "accuracy": round(correct / n, 4), "per_route": per_route,
            "confusion": confusion, "methods": dict(methods), "errors": errors}


def format_confusion(confusion: dict[str, dict[str, int]]) -> str:
    """A Markdown table: rows are gold routes, columns predicted routes."""
    head = "| gold \\ predicted | " + " | ".join(ROUTES) + " |"
    sep = "|---|" + "---|" * len(ROUTES)
    rows = [f"| {g} | " + " | ".join(str(confusion[g][p]) for p in ROUTES) + " |" for g in ROUTES]
    return "\n".join([head, sep, *rows])
