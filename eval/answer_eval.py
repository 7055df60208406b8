"""Answer evaluation: stream every item through the copilot service and score the answers."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from tqdm import tqdm

from copilot.agents.citations import source_header
from copilot.eval.answer_metrics import (
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
from copilot.eval.entailment import entailment_recall
from copilot.eval.figures import unsupported_figures
from copilot.eval.judge import judge_answer
from copilot.eval.loaders import AnswerItem
from copilot.eval.textmatch import fact_recall
from copilot.graph.contract import AnswerCollector, TurnFailed, answer_from_events
from copilot.types import Answer


def as_api_returns(data: dict[str, Any], model: type = Answer) -> Any:
    """What an API client reads: the event data serialised as the API sends it (``json.dumps(..., default=str)``,
    see copilot.api.routes.chat.sse) and parsed by the API's response model, so no field the API does not
    return can reach the scores."""
    return model.model_validate(json.loads(json.dumps(data, ensure_ascii=False, default=str)))


def withheld_claims(answer: Answer) -> list[Any]:
    """Claims the service withheld, from any ``withheld*`` list field the Answer model declares (none yet: [])."""
    out: list[Any] = []
    for name in type(answer).model_fields:
        value = getattr(answer, name, None)
        if name.startswith("withheld") and isinstance(value, list):
            out.extend(value)
    return out


def history_of(item: AnswerItem) -> list[str]:
    """Earlier user turns of a follow-up item (``"history": [question, ...]``), asked first in the same thread."""
    raw = (item.model_extra or {}).get("history") or []
    if isinstance(raw, str):
        raw = [raw]
    return [str(t) for t in raw if str(t).strip()]


def run_item(service: Any, item: AnswerItem, *, agent: str | None = None) -> tuple[Answer | None, dict[str, Any]]:
    """Stream one question; return the final Answer (None on error) and timing facts."""
    t0 = time.perf_counter()
    ttft: float | None = None
    tokens = 0
    answer: Answer | None = None
    error = ""
    thread_id = uuid.uuid4().hex
    try:
        for turn in history_of(item):  # earlier turns of a follow-up: same thread, not scored
            try:
                answer_from_events(service.stream(turn, thread_id=thread_id, agent=agent))
            except TurnFailed as exc:
                raise RuntimeError(f"history turn failed: {exc}") from exc
        t0 = time.perf_counter()
        collector = AnswerCollector()  # the API's own reading of the events: the eval scores what users get
        try:
            for ev in service.stream(item.question, thread_id=thread_id, agent=agent):
                if ev.type == "token":
                    tokens += 1
                    if ttft is None:
                        ttft = time.perf_counter() - t0
                else:
                    collector.feed(ev)
            answer = as_api_returns(collector.result().model_dump())
        except TurnFailed as exc:
            error = str(exc)
    except Exception as exc:  # noqa: BLE001 - one failing item must not stop the run
        error = f"{type(exc).__name__}: {exc}"
    total = time.perf_counter() - t0
    return answer, {"ttft_s": ttft, "total_s": total, "stream_tokens": tokens, "error": error}


def score_item(item: AnswerItem, answer: Answer | None, timing: dict[str, Any], *, forced_agent: str | None,
               embed: Callable[[list[str]], Any] | None, threshold: float, judge_llm: Any = None,
               entail_llm: Any = None) -> dict[str, Any]:
    """Every per-item metric (see copilot.eval.answer_metrics) as one flat record."""
    extra = item.model_extra or {}
    expected_route = item.agent or extra.get("route")
    rec: dict[str, Any] = {"id": item.id, "question": item.question, "agent": expected_route or "unknown",
                           "shape": extra.get("shape") or "unspecified", "split": extra.get("split"),
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
    # figures (numbers with units, dates, codes, tags) absent from every shown source; the user's own words are exempt,
    # and so are the figures the copilot lists as computed by rule (counted apart: computed_figures)
    # each source as the user sees it: its label (title, section, row or page, revision) and its text
    shown = [" ".join(filter(None, (c.doc_id, source_header(c), c.text))) for c in answer.citations]
    unsourced = unsupported_figures(answer.text, shown, allowed=[item.question, *history_of(item), *answer.computed]
                                    ) if not answer.refused else []
    withheld = withheld_claims(answer)
    rec.update(unsourced_figures=unsourced, has_unsourced_figure=bool(unsourced), withheld_claims=len(withheld),
               computed_figures=list(answer.computed))
    if entail_llm is not None and item.required_facts and answer.refused:
        # a canned refusal states nothing: no model call, same recall as exact (so averages cover the same items)
        rec.update(fact_recall_entailment=facts["exact"], essential_fact_recall_entailment=facts["essential_exact"])
    elif entail_llm is not None and item.required_facts:
        ent = entailment_recall(entail_llm, item.question, answer.text, [f.model_dump() for f in item.required_facts])
        rec.update(fact_recall_entailment=ent["entailment"], essential_fact_recall_entailment=ent["essential_entailment"],
                   entailment_failed=ent["failed"])
        for fact, flag in zip(rec["facts"], ent["flags"], strict=True):
            fact["entailed"] = flag
    # canned refusals and safety escalations claim nothing from the sources: nothing to judge
    if judge_llm is not None and not answer.refused and not answer.escalated and answer.citations:
        verdict = judge_answer(judge_llm, item.question, answer.text, answer.citations)
        rec["judge_grounded"] = verdict.grounded if verdict else None
        rec["judge_unsupported_claims"] = verdict.unsupported_claims if verdict else None
    return rec


def run_answer_eval(service: Any, items: Sequence[AnswerItem], *, agent: str | None = None,
                    embed: Callable[[list[str]], Any] | None = None, threshold: float = 0.7,
                    judge_llm: Any = None, entail_llm: Any = None, progress: bool = True,
                    on_record: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Run and score every item; summarise overall, per expected agent and per answer shape.

    ``on_record`` is called with each scored item as soon as it is done (partial results survive a crash)."""
    records = []
    for item in tqdm(items, desc="answers", disable=not progress):
        answer, timing = run_item(service, item, agent=agent)
        records.append(score_item(item, answer, timing, forced_agent=agent, embed=embed, threshold=threshold,
                                  judge_llm=judge_llm, entail_llm=entail_llm))
        if on_record is not None:
            on_record(records[-1])
    return build_report(records, forced_agent=agent, threshold=threshold if embed is not None else None,
                        judge=judge_llm is not None, entailment=entail_llm is not None)


def build_report(records: list[dict[str, Any]], *, forced_agent: str | None = None, threshold: float | None = None,
                 judge: bool = False, entailment: bool = False) -> dict[str, Any]:
    """The answers report body from scored items: overall, per expected agent and per answer shape."""
    def group(key: str) -> dict[str, Any]:
        names = sorted({r.get(key) or "unspecified" for r in records})
        return {n: summarise([r for r in records if (r.get(key) or "unspecified") == n]) for n in names}

    return {
        "kind": "answers",
        "forced_agent": forced_agent,
        "fact_similarity_threshold": threshold,
        "judge": judge,
        "entailment": entailment,
        "metrics": summarise(records),
        "per_agent": group("agent"),
        "per_shape": group("shape"),
        "per_item": records,
    }
