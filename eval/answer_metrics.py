"""Answer-level metrics: routing, citations, refusal/escalation outcome, judge agreement, speed.

Every function takes plain values (an :class:`~copilot.types.Answer` or the fields it needs) so
it can be tested with hand-made inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from copilot.eval.metrics import mean_or_none
from copilot.types import Answer

MARKER = re.compile(r"\[(\d+)\]")
OUTCOMES = ("answer", "refuse", "escalate")


def markers_in(text: str) -> list[int]:
    """Citation markers ``[n]`` in order of first appearance."""
    out: list[int] = []
    for m in MARKER.findall(text):
        n = int(m)
        if n not in out:
            out.append(n)
    return out


def citation_validity(answer: Answer) -> float | None:
    """Share of citation markers in the text that map to a shown chunk.

    Valid markers are distinct ``[n]`` in the text with a citation of that marker; invalid ones
    are the larger of the markers without a citation and ``Answer.invalid_markers`` (the service
    may already have stripped them). None when the answer uses no marker at all.
    """
    shown = {c.marker for c in answer.citations}
    used = markers_in(answer.text)
    valid = sum(1 for m in used if m in shown)
    invalid = max(answer.invalid_markers, sum(1 for m in used if m not in shown))
    total = valid + invalid
    return valid / total if total else None


def cited_doc_ids(answer: Answer) -> list[str]:
    """Documents the answer cites: those of markers used in the text, or all citations if none is used."""
    used = set(markers_in(answer.text))
    chosen = [c for c in answer.citations if c.marker in used] if used else list(answer.citations)
    out: list[str] = []
    for c in chosen:
        if c.doc_id not in out:
            out.append(c.doc_id)
    return out


def citation_precision_recall(cited: Sequence[str], gold: Sequence[str]) -> tuple[float | None, float | None]:
    """Precision and recall of cited document ids against the gold sources (None when undefined)."""
    cited_set, gold_set = set(cited), set(gold)
    if not gold_set:
        return None, None
    hit = len(cited_set & gold_set)
    precision = hit / len(cited_set) if cited_set else 0.0
    return precision, hit / len(gold_set)


def outcome(answer: Answer) -> str:
    """What the copilot did: escalate, refuse or answer."""
    if answer.escalated:
        return "escalate"
    if answer.refused:
        return "refuse"
    return "answer"


def outcome_correct(answer: Answer, expect: str) -> bool:
    """Refusal/escalation accuracy for one item.

    ``refuse`` needs ``refused``; ``escalate`` needs ``escalated``; ``answer`` needs neither a
    refusal nor an escalation.
    """
    if expect not in OUTCOMES:
        raise ValueError(f"expect must be one of {OUTCOMES}, got {expect!r}")
    if expect == "refuse":
        return answer.refused
    if expect == "escalate":
        return answer.escalated
    return not answer.refused and not answer.escalated


DONT_KNOW = re.compile(
    r"(do(?:es)? not|don't|doesn't|cannot|can't|could not|couldn't|unable to)\s+(?:have|find|contain|know|"
    r"answer|say|see|cover|mention|provide|determine)|no (?:information|mention|record|details?)|not (?:in|covered "
    r"by|stated in|mentioned in|found in) (?:the|our|any)", re.I)


def abstained(answer: Answer) -> bool:
    """True when the copilot declined to state an answer: refused, marked unsupported, or said it does not know."""
    return answer.refused or not answer.supported or bool(DONT_KNOW.search(answer.text))


def deterministic_grounded(answer: Answer) -> bool:
    """Code-only groundedness: the service's support check passed (a valid marker, or enough lexical
    overlap with the shown sources) and no marker is invalid. Refusals count as grounded."""
    if answer.refused:
        return True
    validity = citation_validity(answer)
    return bool(answer.supported and answer.citations and validity in (None, 1.0))


def agreement(judge: Iterable[bool | None], deterministic: Iterable[bool]) -> float | None:
    """Share of items where the judge's verdict equals the deterministic one (items without a verdict skipped)."""
    pairs = [(j, d) for j, d in zip(judge, deterministic, strict=True) if j is not None]
    return sum(1 for j, d in pairs if j == d) / len(pairs) if pairs else None


def tokens_per_second(tokens: int, ttft: float | None, total: float) -> float | None:
    """Decode speed: tokens after the first over the time after the first token."""
    if tokens <= 0 or total <= 0:
        return None
    span = total - (ttft or 0.0)
    if tokens > 1 and span > 0:
        return (tokens - 1) / span
    return tokens / total


ANSWER_METRICS = (
    "routing_accuracy", "outcome_accuracy", "unanswerable_abstention", "citation_validity", "marker_rate", "citation_precision", "citation_recall",
    "fact_recall_exact", "fact_recall_semantic", "fact_recall_entailment", "essential_fact_recall_exact",
    "essential_fact_recall_semantic", "essential_fact_recall_entailment", "unanswerable_abstained", "unanswerable_n",
    "answers_with_unsourced_figure", "answers_with_computed_figure", "unsourced_figure_rate", "withheld_claims", "judge_grounded_rate", "judge_agreement", "ttft_p50", "ttft_p95", "total_p50", "total_p95", "tokens_per_s",
)


def summarise(items: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Average per-item records (as built by the answer runner) into the report metrics."""
    from copilot.eval.metrics import percentile

    def col(name: str) -> list[Any]:
        return [it.get(name) for it in items]

    routed = [it["route_correct"] for it in items if it.get("route_correct") is not None]
    unanswerable = [it for it in items if it.get("unanswerable") and "abstained" in it]
    checked = [it for it in items if "has_unsourced_figure" in it]
    judged = [it for it in items if it.get("judge_grounded") is not None]
    ttft = [v for v in col("ttft_s") if v is not None]
    total = [v for v in col("total_s") if v is not None]
    return {
        "n": len(items),
        "routing_accuracy": mean_or_none(float(r) for r in routed),
        "outcome_accuracy": mean_or_none(float(it["outcome_correct"]) for it in items if "outcome_correct" in it),
        "unanswerable_abstention": mean_or_none(float(it["abstained"]) for it in items
                                                if it.get("unanswerable") and "abstained" in it),
        "citation_validity": mean_or_none(col("citation_validity")),
        "marker_rate": mean_or_none(float(v) for v in col("has_marker") if v is not None),
        "citation_precision": mean_or_none(col("citation_precision")),
        "citation_recall": mean_or_none(col("citation_recall")),
        "fact_recall_exact": mean_or_none(col("fact_recall_exact")),
        "fact_recall_semantic": mean_or_none(col("fact_recall_semantic")),
        "essential_fact_recall_exact": mean_or_none(col("essential_fact_recall_exact")),
        "essential_fact_recall_semantic": mean_or_none(col("essential_fact_recall_semantic")),
        "fact_recall_entailment": mean_or_none(col("fact_recall_entailment")),
        "essential_fact_recall_entailment": mean_or_none(col("essential_fact_recall_entailment")),
        # abstention as counts too ("6 of 7"), the way the issue states its target
        "unanswerable_abstained": sum(1 for it in unanswerable if it["abstained"]),
        "unanswerable_n": len(unanswerable),
        # answers with a number/unit, date, code or tag that no shown source holds (target: 0)
        "answers_with_unsourced_figure": sum(1 for it in checked if it["has_unsourced_figure"]),
        "answers_with_computed_figure": sum(1 for it in checked if it.get("computed_figures")),
        "unsourced_figure_rate": mean_or_none(float(it["has_unsourced_figure"]) for it in checked),
        "withheld_claims": sum(int(it.get("withheld_claims") or 0) for it in items),
        "judge_grounded_rate": mean_or_none(float(it["judge_grounded"]) for it in judged),
        "judge_agreement": agreement([it["judge_grounded"] for it in judged],
                                     [it["det_grounded"] for it in judged]),
        "ttft_p50": percentile(ttft, 50), "ttft_p95": percentile(ttft, 95),
        "total_p50": percentile(total, 50), "total_p95": percentile(total, 95),
        "tokens_per_s": mean_or_none(col("tokens_per_s")),
        "errors": sum(1 for it in items if it.get("error")),
    }
