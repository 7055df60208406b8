"""Answers read from the sources, no model: the review outcome for a stated finding, the rule forbidding what is
asked, the compared sites' columns, the definitions row that covers a description, a RACI row's roles, the sentence
saying who chairs, signs or approves, a timeline row's date, or the set a table enumerates."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from copilot.agents.answerability import content_terms, shared_terms
from copilot.agents.base import AgentContext, AgentResult, TurnChecks, grounded_messages, say, stream_answer
from copilot.agents.cell_lookup import named_row, render_named_row
from copilot.agents.entity_compare import compared
from copilot.agents.figure_lists import named_set, render_figure_list
from copilot.agents.figures import derived_figures
from copilot.agents.prohibition import forbidden_ask, render_forbidden
from copilot.agents.raci import raci_row, render_raci
from copilot.agents.reading_check import reading_answer
from copilot.agents.reverse_lookup import render_reverse, reverse_lookups
from copilot.agents.review_outcome import grade_meaning, grading_source, outcome_source, review_outcome
from copilot.agents.role_statement import render_role, render_signoffs, role_statement, signoff_table
from copilot.agents.shapes import PERMISSION, split_asks
from copilot.agents.timeline import dated_row, render_dated_row
from copilot.types import Citation


def quoted_answer(ctx: AgentContext, instructions: str | None = None) -> AgentResult | None:
    """The first of these that applies, read from the sources with no model; None when none applies (the model
    answers): "the review found a 14 point recall gap, can it go live?": the outcome row the finding's grade gives;
    "could we ...?" where a shown rule forbids it: "No" and the rule; "how does Riverside compare with
    Halden Works": their columns and rows; "which NIST function covers tracking incidents": the definitions row;
    "who is accountable for <activity>": that RACI row's letters; "who chairs the G4 gate": the sentence saying it;
    "when do the Annex III rules apply": the timeline row; "list the five steps of ...": the table that enumerates
    them."""
    added: list[Citation] = []

    def outcome() -> str | None:  # the review's outcome table, searched when not shown
        table = outcome_source(ctx.retriever, ctx.sources, ctx.original)
        text = review_outcome([*ctx.sources, *([table] if table else [])], ctx.original)
        added.extend([table] if table is not None and text is not None else [])
        return text

    forbidden: list[str] = []  # the ask a forbidding rule answered

    def forbids() -> str | None:
        found = forbidden_ask(ctx.sources, ctx.original)
        forbidden.extend([found[2]] if found else [])
        several = found is not None and len(split_asks(ctx.original, yes_no=True)) > 1
        return render_forbidden(found[0], found[1], found[2] if several else None, ctx.original) if found else None

    readers: list[Callable[[], str | None]] = [
        outcome,
        forbids,
        lambda: compared(ctx.sources, ctx.original),
        lambda: ("\n\n".join(render_reverse(*row) for row in rows) if (rows := reverse_lookups(ctx.sources, ctx.original))
                 else None),
        lambda: (render_raci(*raci, ctx.original) if (raci := raci_row(ctx.sources, ctx.original)) else None),
        lambda: (render_signoffs(*table) if (table := signoff_table(ctx.sources, ctx.original)) else None),
        lambda: (render_role(*role, ctx.original) if (role := role_statement(ctx.sources, ctx.original)) else None),
        lambda: (render_dated_row(*dated) if (dated := dated_row(ctx.sources, ctx.original)) else None),
        lambda: (render_figure_list(listed) if (listed := named_set(ctx.sources, ctx.original)) else None),
    ]
    text = next((t for read in readers if (t := read()) is not None), None)
    if text is None:
        return None
    say(ctx, text)
    answered: list[str | None] = list(forbidden)
    rest = _unanswered_asks(ctx.original, text, answered) if instructions else []
    if not rest:
        return AgentResult(text=text, model_text=text, added_sources=added)
    # "whats the difference between H2 and H3? and could we run H3 on a trip loop": the rule answers the second part,
    # the model the first, checked like any model answer
    sub = dataclasses.replace(ctx, question=" ".join(f"{a}?" for a in rest), original=" ".join(f"{a}?" for a in rest),
                              checks=TurnChecks(), sources=[*ctx.sources, *added])
    say(ctx, "\n\n")
    written, timings = stream_answer(sub, grounded_messages(instructions or "", sub))
    ctx.checks.withheld.extend(sub.checks.withheld)
    ctx.checks.looped = ctx.checks.looped or sub.checks.looped
    ctx.checks.invalid_markers += sub.checks.invalid_markers
    return AgentResult(text=f"{text}\n\n{written.strip()}", model_text=written, timings=timings, model_called=True,
                       added_sources=added)


REST_SHARE = 0.6  # an ask whose words the quoted answer holds at least this share of is answered by it


def _unanswered_asks(question: str, shown: str, answered: list[str | None]) -> list[str]:
    """The asks of a question of several that the quoted text does not answer (most of their words not in it)."""
    parts = split_asks(question, yes_no=True)
    if len(parts) < 2:
        return []
    held = content_terms(shown)
    done = {a.strip(" ?,") for a in answered if a}
    return [p for p in parts if p not in done and
            len(shared_terms(content_terms(p), held)) < REST_SHARE * len(content_terms(p))]


def model_answer(ctx: AgentContext, instructions: str) -> AgentResult:
    """The model's answer, after a stated reading placed in its limit row ("PSI 0.27": the action level,
    :mod:`copilot.agents.reading_check`) or else the table row the question names by row and column words
    (:mod:`copilot.agents.cell_lookup`), quoted once the check that the sources state the answer has passed."""
    reading = reading_answer(ctx.sources, ctx.original)
    # "a 13 point recall gap: does that count as a finding and how long do we have to fix it": the grade's meaning
    grading = grading_source(ctx.retriever, ctx.sources, reading) if reading else None
    added = [grading] if grading is not None else []
    if reading and (meaning := grade_meaning([*ctx.sources, *added], reading)):
        reading = f"{reading}\n{meaning}"
    if reading and len(split_asks(ctx.original, yes_no=True)) < 2:
        # "PSI hit 0.18. Do I need to page someone?": the band the reading is in answers it; the model's own yes/no
        # had contradicted it ("Yes, you need to page someone" at the watch level)
        say(ctx, reading)
        return AgentResult(text=reading, model_text=reading, added_sources=added,
                           computed=derived_figures(reading, [*ctx.sources, *added], ctx.original))
    # "can we deploy if ...?" is decided by a rule, not read from a row
    row = named_row(ctx.sources, ctx.original) if reading is None and not PERMISSION.search(ctx.original) else None
    lead = f"{reading}\n\n" if reading else render_named_row(row) + "\n\n" if row is not None else ""
    ctx = dataclasses.replace(ctx, sources=[*ctx.sources, *added]) if added else ctx
    raw, timings = stream_answer(ctx, grounded_messages(instructions, ctx), check_stated=True, lead=lead)
    # the lead is computed or quoted by rule ("45% against 33% (selection-rate ratio 0.73)"): only the model's
    # part goes through the claim check again
    written = raw[len(lead):] if lead and raw.startswith(lead) else raw
    return AgentResult(text=raw.strip(), model_text=written, timings=timings, model_called=True,
                       computed=derived_figures(lead, ctx.sources, ctx.original) if lead else [], added_sources=added)
