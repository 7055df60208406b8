"""Agreement of the entailment check with hand labels (``eval/datasets/entailment_labels.jsonl``).

Each label is ``{"id", "question", "answer", "fact", "label": bool, "kind"}``; ``kind`` says what the
pair tests (exact, paraphrase, sentence, unit_change, wrong_number, missing, ...). Reported for the
check as used by ``copilot eval answers`` (exact match, else the model) and for the model alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from copilot.eval.entailment import entails
from copilot.eval.loaders import DatasetError, parse_item, read_jsonl
from copilot.eval.textmatch import fact_found
from copilot.llm.base import LLM


class LabelledPair(BaseModel):
    id: str = ""
    question: str = ""
    answer: str
    fact: str = Field(min_length=1)
    label: bool
    kind: str = "other"


def load_labels(path: Path) -> list[LabelledPair]:
    """Read and validate a labels JSONL file (errors name the file and item)."""
    pairs = []
    for n, row in enumerate(read_jsonl(Path(path)), start=1):
        pair = parse_item(LabelledPair, row, path, n)
        pair.id = pair.id or f"line-{n}"
        pairs.append(pair)
    if not pairs:
        raise DatasetError(f"{path}: no labelled pairs")
    return pairs


def agreement_stats(labels: Sequence[bool], predicted: Sequence[bool | None]) -> dict[str, Any]:
    """Accuracy, precision/recall of "entailed", Cohen's kappa and the confusion counts (None = no verdict = False)."""
    pred = [bool(p) for p in predicted]
    tp = sum(1 for y, p in zip(labels, pred, strict=True) if y and p)
    tn = sum(1 for y, p in zip(labels, pred, strict=True) if not y and not p)
    fp = sum(1 for y, p in zip(labels, pred, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, pred, strict=True) if y and not p)
    n = len(pred)
    acc = (tp + tn) / n if n else None
    pos_l, pos_p = (tp + fn) / n if n else 0, (tp + fp) / n if n else 0
    chance = pos_l * pos_p + (1 - pos_l) * (1 - pos_p)
    kappa = (acc - chance) / (1 - chance) if acc is not None and chance < 1 else None
    return {"n": n, "accuracy": acc, "precision": tp / (tp + fp) if tp + fp else None,
            "recall": tp / (tp + fn) if tp + fn else None, "kappa": kappa,
            "tp": tp, "tn": tn, "fp": fp, "fn": fn, "no_verdict": sum(1 for p in predicted if p is None)}


def run_agreement(llm: LLM, pairs: Sequence[LabelledPair], progress: bool = True) -> dict[str, Any]:
    """Ask the model about every pair; report agreement overall and per kind, and each disagreement."""
    from tqdm import tqdm

    rows = []
    for p in tqdm(pairs, desc="entailment", disable=not progress):
        model = entails(llm, p.question, p.answer, p.fact)
        exact = fact_found(p.fact, p.answer)
        rows.append({"id": p.id, "kind": p.kind, "fact": p.fact, "label": p.label, "model": model, "exact": exact,
                     "check": True if exact else model})
    labels = [r["label"] for r in rows]
    kinds = sorted({r["kind"] for r in rows})
    return {
        "kind": "entailment_agreement",
        "check": agreement_stats(labels, [r["check"] for r in rows]),
        "model_only": agreement_stats(labels, [r["model"] for r in rows]),
        "exact_only": agreement_stats(labels, [r["exact"] for r in rows]),
        "per_kind": {k: agreement_stats([r["label"] for r in rows if r["kind"] == k],
                                        [r["check"] for r in rows if r["kind"] == k]) for k in kinds},
        "disagreements": [r for r in rows if bool(r["check"]) != r["label"]],
        "per_pair": rows,
    }


def agreement_markdown(report: dict[str, Any]) -> str:
    """Summary table (check, model only, exact only) and the per-kind accuracy."""
    def f(v: Any) -> str:
        return "n/a" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)

    cols = ("n", "accuracy", "precision", "recall", "kappa", "tp", "tn", "fp", "fn", "no_verdict")
    lines = ["| scorer | " + " | ".join(cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name in ("check", "model_only", "exact_only"):
        lines.append(f"| {name} | " + " | ".join(f(report[name][c]) for c in cols) + " |")
    lines += ["", "| kind | n | accuracy (check) |", "|---|---|---|"]
    for k, s in report["per_kind"].items():
        lines.append(f"| {k} | {s['n']} | {f(s['accuracy'])} |")
    if report["disagreements"]:
        lines += ["", "Disagreements:", ""]
        lines += [f"- `{r['id']}` ({r['kind']}): label {r['label']}, check {r['check']}: {r['fact']}"
                  for r in report["disagreements"]]
    return "\n".join(lines) + "\n"
