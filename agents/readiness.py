"""Readiness assessor: asks the checklist questions a few at a time (or takes a description in one go), quotes
the user's own words as evidence per dimension, scores only the dimensions the user spoke about (one small
schema-constrained call each, streamed row by row), asks about the rest, and composes the report."""

from __future__ import annotations

import re
from typing import Any

from copilot.agents.base import AgentContext, AgentResult, AgentSpec, say
from copilot.agents.figures import derived_figures
from copilot.agents.gate_outcome import gate_outcome, outcomes_source
from copilot.agents.intake_check import intake_answer, weights_source
from copilot.agents.ori_check import ori_answer, weakest_link_source
from copilot.agents.prompts.readiness import BATCH, INSTRUCTIONS, QUESTIONS, RUBRICS, SCORE_HEAD, SCORE_TAIL
from copilot.agents.prompts.shared import shared_messages
from copilot.agents.quoted import model_answer, quoted_answer
from copilot.agents.readiness_evidence import find_evidence, quote
from copilot.agents.readiness_report import DIMENSIONS, SCORE_SCHEMA, parse_score, row, summary, table_head
from copilot.agents.share_rule import share_answer, share_source
from copilot.agents.stage_criteria import stage_criteria
from copilot.agents.thresholds import threshold_answer
from copilot.agents.value_case import hurdles_source, value_answer
from copilot.retrieval.base import Filters

# a question about a past result ("What ORI did Riverside get in the 2024 readiness assessment?") is not a start
START = re.compile(r"^(?!\s*(?:what|which|who|when)\b[^?]*\b(?:did|was|were|got|get)\b)[\s\S]*?(?:"
                   r"\b(assess|evaluate|score|rate)\s+(?:[\w'-]+\s+){0,4}?(us|our|my|readiness|maturity|organi[sz]ation|"
                   r"plant|site)\b|"
                   r"\bhow ready (?:are|is)\b|\breadiness (?:assessment|check)\b)", re.I)
# "what stands between us and scaling, based on the latest readiness assessment": a question about an assessment
# the documents hold, not a request for a new one ("let's start the readiness assessment" still starts one)
PAST_ASSESSMENT = re.compile(r"\b(?:the|latest|last|previous|recent|existing|current|(?:19|20)\d\d)\s+(?:\w+\s+)?"
                             r"(?:readiness )?assessment\b|\bbased on (?:the|our)\b|\baccording to\b", re.I)
NEW_ASSESSMENT = re.compile(r"\b(?:start|begin|run|do|take|launch|redo|repeat)\b", re.I)
FINISH = re.compile(r"\b(that'?s all|score (?:it|now|us)|finish|done|skip)\b", re.I)


def starts_assessment(text: str) -> bool:
    """A request to assess the user's organisation now, not a question about an assessment on record."""
    if re.match(r"\s*(?:what|which|who|when) (?:is|are|was|were)\b", text, re.I):  # "what is the ORI threshold
        return False  # ... to scale out a use case to another site": a question about the rules, not about us
    return bool(START.search(text)) and not (PAST_ASSESSMENT.search(text) and not NEW_ASSESSMENT.search(text))


class ReadinessAgent:
    name = "readiness"

    def filters(self, question: str) -> Filters | None:
        return {"doc_type": ["playbook", "checklist"]}

    def run(self, ctx: AgentContext) -> AgentResult:
        state: dict[str, Any] = dict(ctx.agent_state or {})
        words = len(ctx.original.split())
        if state.get("active"):
            state["answers"] = [*state.get("answers", []), ctx.original]
            if state.get("asked", 0) < len(QUESTIONS) and not FINISH.search(ctx.original):
                return self._ask(ctx, state)
            return self._score(ctx, "\n".join(state["answers"]), {})
        if words >= 60 or (words >= 25 and starts_assessment(ctx.original)):
            return self._score(ctx, ctx.original, {})
        if starts_assessment(ctx.original):
            say(ctx, "Let's assess your AI readiness across six dimensions. I will ask a few questions at a "
                     "time (or paste a description of your situation and I will score it in one go).\n\n")
            return self._ask(ctx, {"active": True, "asked": 0, "answers": []}, prefix_said=True)
        # decided by a rule of the shown sources: the ORI of stated scores, a gate outcome, an intake outcome, minimums
        # the intake weights or the value hurdles, when the question states scores or money and they are not shown
        # the first rule source a question needs, searched one after the other (each searches only when its own
        # question pattern holds and nothing shown has it)
        searches = (weights_source, hurdles_source, outcomes_source, share_source, weakest_link_source)
        found = next((c for search in searches if (c := search(ctx.retriever, ctx.sources, ctx.original)) is not None),
                     None)
        added = [found] if found is not None else []
        shown = [*ctx.sources, *added]
        ruled = (ori_answer(ctx.sources, ctx.original) or gate_outcome(shown, ctx.original, ctx.retriever)
                 or intake_answer(shown, ctx.original) or value_answer(shown, ctx.original)
                 or share_answer(shown, ctx.original)
                 or threshold_answer(ctx.sources, ctx.original))
        if ruled is not None:
            say(ctx, ruled)
            used = [c for c in added if f"[{c.marker}]" in ruled]
            return AgentResult(text=ruled, model_text=ruled, added_sources=used,
                               computed=derived_figures(ruled, shown, ctx.original))
        staged = stage_criteria(ctx.retriever, ctx.sources, ctx.original)  # "leave Align and start Advance: what first?"
        if staged is not None:
            say(ctx, staged[0])
            return AgentResult(text=staged[0], model_text=staged[0], added_sources=staged[1])
        quoted = quoted_answer(ctx, INSTRUCTIONS)
        if quoted is not None:
            return quoted
        return model_answer(ctx, INSTRUCTIONS)

    def _ask(self, ctx: AgentContext, state: dict[str, Any], prefix_said: bool = False) -> AgentResult:
        start = state.get("asked", 0)
        batch = QUESTIONS[start:start + BATCH]
        lines = [f"{start + i}. {q}" for i, (_, q) in enumerate(batch, start=1)]
        text = ("Questions:\n" if start == 0 else "Thank you. Next questions:\n") + "\n".join(lines)
        text += "\n\n(Answer in one message; say 'score now' to finish early.)"
        say(ctx, text)
        state["asked"] = start + len(batch)
        intro = ("Let's assess your AI readiness across six dimensions. I will ask a few questions at a time "
                 "(or paste a description of your situation and I will score it in one go).\n\n") if prefix_said else ""
        return AgentResult(text=intro + text, grounded=False, agent_state=state)

    def _score(self, ctx: AgentContext, description: str, state: dict[str, Any]) -> AgentResult:
        evidence = find_evidence(description)
        first_question = {k: next(q for d, q in QUESTIONS if d == k) for k in DIMENSIONS}
        head = table_head()
        say(ctx, head)
        parts, scores, unknown, methods = [head], {}, {}, set()
        for key, (label, _) in DIMENSIONS.items():
            if not evidence[key]:
                unknown[key] = first_question[key]
                line = row(key, None, "", unknown[key])
            else:
                said = quote(evidence[key])
                prompt = SCORE_HEAD + description[:3000] + SCORE_TAIL.format(label=label, evidence=said,
                                                                            rubric=RUBRICS[key])
                raw = ctx.llm.chat(shared_messages(prompt), json_schema=SCORE_SCHEMA, max_tokens=16,
                                   temperature=0.0).text
                scores[key], method = parse_score(raw, evidence[key])
                methods.add(method)
                line = row(key, scores[key], said, "")
            say(ctx, line)
            parts.append(line)
        tail, structured = summary(scores, unknown, methods, ctx.sources)
        say(ctx, tail)
        report = "".join(parts) + tail
        structured["evidence"] = {k: quote(v) if v else None for k, v in evidence.items()}
        payload = {"title": "AI readiness assessment", "stage": structured["stage"], "scores": structured["scores"],
                   "unknown": structured["unknown"], "gaps": structured["gaps"], "roadmap": structured["roadmap"],
                   "report_markdown": report, "sources": [c.title for c in ctx.sources[:4]]}
        proposal = {"kind": "report", "payload": payload,
                    "summary": f"Publish readiness report: stage {structured['stage']}, ORI {structured['ori']}"}
        # Unknown dimensions stay open: the next message is taken as the answer and everything is re-scored.
        next_state = ({"active": True, "asked": len(QUESTIONS), "answers": [description]} if unknown
                      else {"active": False})
        return AgentResult(text=report, structured=structured, proposal=proposal, agent_state=next_state,
                           model_called=bool(scores), grounded=False)


def spec() -> AgentSpec:
    """Grounded; continues an open interview, and opens one without any retrieved source."""
    agent = ReadinessAgent()
    return AgentSpec(name=agent.name, run=agent.run, grounded=True, needs_retrieval=True, about_assets=False,
                     filters=agent.filters, continues=lambda state: bool(state.get("active")),
                     starts_without_sources=starts_assessment)
