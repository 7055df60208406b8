"""Answer evaluation: stream every item through the copilot service and score the answers."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from tqdm import tqdm

from copilot.types import Answer, Citation
from eval.answer_metrics import (
    abstained,
    citation_precision_recall,
    citation_validity,
    cited_doc_ids,
    deterministic_grounded,
    markers_in,
    outcome,
    outcome_correct,
    summarise,
    tokens_per_second,
)
from eval.judge import judge_answer
from eval.loaders import AnswerItem
from eval.textmatch import fact_recall


def run_item(service: Any, item: AnswerItem, *, agent: str | None = None) -> tuple[Answer | None, dict[str, Any]]:
    """Stream one question; return the final Answer (None on error) and timing facts."""
    t0 = time.perf_counter()
    ttft: float | None = None
    tokens = 0
    answer: Answer | None = None
    sources: list[Citation] = []
    error = ""
    try:
        for ev in service.stream(item.question, agent=agent):
            if ev.type == "token":
                tokens += 1
                if ttft is None:
                    ttft = time.perf_counter() - t0
            elif ev.type == "sources":
                sources = [Citation(**c) for c in ev.data.get("citations", [])]
            elif ev.type == "done":
                answer = Answer(**ev.data)
            elif ev.type == "error":
                error = str(ev.data.get("message", "error"))
    except Exception as exc:  # noqa: BLE001 - one failing item must not stop the run
        error = f"{type(exc).__name__}: {exc}"
    total = time.perf_counter() - t0
    if answer is not None and not answer.citations and sources:
        answer = answer.model_copy(update={"citations": sources})
    return answer, {"ttft_s": ttft, "total_s": total, "stream_tokens": tokens, "error": error}


def score_item(item: AnswerItem, answer: Answer | None, timing: dict[str, Any], *, forced_agent: str | None,
               embed: Callable[[list[str]], Any] | None, threshold: float, judge_llm: Any = None) -> dict[str, Any]:
    """Every per-item metric (see eval.answer_metrics) as one flat record."""
    expected_route = item.agent or (item.model_extra or {}).get("route")
    rec: dict[str, Any] = {"id": item.id, "question": item.question, "agent": expected_route or "unknown",
                           "expect": item.expect, "unanswerable": item.unanswerable, **timing}
    if answer is None:
        rec.update(outcome_correct=False, route_correct=None if forced_agent else False, text="",
                   error=timing.get("error") or "no answer")
        return rec
    completion = int(answer.usage.get("completion_tokens", 0)) or timing.get("stream_tokens", 0)
    facts = fact_recall([f.model_dump() for f in item.required_facts], answer.text, embed, threshold)
    cited = cited_doc_ids(answer)
    precision, recall = citation_precision_recall(cited, item.gold_sources) if item.expect == "answer" else (None, None)
    rec.update(
        text=answer.text, route=answer.route,
        route_correct=None if forced_agent or not expected_route else answer.route == expected_route,
        outcome=outcome(answer), abstained=abstained(answer),
        # an unanswerable question expecting an "answer" is handled well when the copilot says it does not know
        outcome_correct=abstained(answer) if item.unanswerable and item.expect == "answer"
        else outcome_correct(answer, item.expect),
        citation_validity=citation_validity(answer), cited=cited,
        has_marker=None if answer.refused or item.expect != "answer"
        else any(c.marker in markers_in(answer.text) for c in answer.citations), gold_sources=item.gold_sources,
        citation_precision=precision, citation_recall=recall,
        fact_recall_exact=facts["exact"], fact_recall_semantic=facts["semantic"],
        essential_fact_recall_exact=facts["essential_exact"],
        essential_fact_recall_semantic=facts["essential_semantic"], facts=facts["facts"],
        supported=answer.supported, invalid_markers=answer.invalid_markers,
        det_grounded=deterministic_grounded(answer), completion_tokens=completion,
        tokens_per_s=tokens_per_second(completion, timing.get("ttft_s"), timing["total_s"]),
        service_timings=answer.timings,
    )
    # canned refusals and safety escalations claim nothing from the sources: nothing to judge
    if judge_llm is not None and not answer.refused and not answer.escalated and answer.citations:
        verdict = judge_answer(judge_llm, item.question, answer.text, answer.citations)
        rec["judge_grounded"] = verdict.grounded if verdict else None
        rec["judge_unsupported_claims"] = verdict.unsupported_claims if verdict else None
    return rec


def run_answer_eval(service: Any, items: Sequence[AnswerItem], *, agent: str | None = None,
                    embed: Callable[[list[str]], Any] | None = None, threshold: float = 0.7,
                    judge_llm: Any = None, progress: bool = True,
                    on_record: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Run and score every item; summarise overall and per expected agent.

    ``on_record`` is called with each scored item as soon as it is done (partial results survive a crash)."""
    records = []
    for item in tqdm(items, desc="answers", disable=not progress):
        answer, timing = run_item(service, item, agent=agent)
        records.append(score_item(item, answer, timing, forced_agent=agent, embed=embed, threshold=threshold,
                                  judge_llm=judge_llm))
        if on_record is not None:
            on_record(records[-1])
    return build_report(records, forced_agent=agent, threshold=threshold if embed is not None else None,
                        judge=judge_llm is not None)


def build_report(records: list[dict[str, Any]], *, forced_agent: str | None = None, threshold: float | None = None,
                 judge: bool = False) -> dict[str, Any]:
    """The answers report body from scored items: overall and per expected agent."""
    per_agent = {name: summarise([r for r in records if r["agent"] == name])
                 for name in sorted({r["agent"] for r in records})}
    return {
        "kind": "answers",
        "forced_agent": forced_agent,
        "fact_similarity_threshold": threshold,
        "judge": judge,
        "metrics": summarise(records),
        "per_agent": per_agent,
        "per_item": records,
    }
