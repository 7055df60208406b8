"""Answers read from the sources, no model: the review outcome for a stated finding, the rule forbidding what is
asked, the compared sites' columns, the definitions row that covers a description, a RACI row's roles, a timeline
row's date, or the set a table enumerates."""

from __future__ import annotations

from collections.abc import Callable

from copilot.agents.base import AgentContext, AgentResult, grounded_messages, say, stream_answer
from copilot.agents.cell_lookup import named_row, render_named_row
from copilot.agents.entity_compare import compared
from copilot.agents.figure_lists import named_set, render_figure_list
from copilot.agents.prohibition import forbidding_rule, render_forbidden
from copilot.agents.raci import raci_row, render_raci
from copilot.agents.reading_check import reading_answer
from copilot.agents.reverse_lookup import render_reverse, reverse_lookup
from copilot.agents.review_outcome import outcome_source, review_outcome
from copilot.agents.shapes import PERMISSION
from copilot.agents.timeline import dated_row, render_dated_row
from copilot.types import Citation


def quoted_answer(ctx: AgentContext) -> AgentResult | None:
    """The first of these that applies, read from the sources with no model; None when none applies (the model
    answers): "the review found a 14 point recall gap, can it go live?": the outcome row the finding's grade gives;
    "could we ...?" where a shown rule forbids it: "No" and the rule; "how does Riverside compare with
    Halden Works": their columns and rows; "which NIST function covers tracking incidents": the definitions row;
    "who is accountable for <activity>": that RACI row's letters; "when do the Annex III rules apply": the timeline
    row; "list the five steps of ...": the table that enumerates them."""
    added: list[Citation] = []

    def outcome() -> str | None:  # the review's outcome table, searched when not shown
        table = outcome_source(ctx.retriever, ctx.sources, ctx.original)
        text = review_outcome([*ctx.sources, *([table] if table else [])], ctx.original)
        added.extend([table] if table is not None and text is not None else [])
        return text

    readers: list[Callable[[], str | None]] = [
        outcome,
        lambda: (render_forbidden(*found) if (found := forbidding_rule(ctx.sources, ctx.original)) else None),
        lambda: compared(ctx.sources, ctx.original),
        lambda: (render_reverse(*row) if (row := reverse_lookup(ctx.sources, ctx.original)) else None),
        lambda: (render_raci(*raci, ctx.original) if (raci := raci_row(ctx.sources, ctx.original)) else None),
        lambda: (render_dated_row(*dated) if (dated := dated_row(ctx.sources, ctx.original)) else None),
        lambda: (render_figure_list(listed) if (listed := named_set(ctx.sources, ctx.original)) else None),
    ]
    text = next((t for read in readers if (t := read()) is not None), None)
    if text is None:
        return None
    say(ctx, text)
    return AgentResult(text=text, model_text=text, added_sources=added)


def model_answer(ctx: AgentContext, instructions: str) -> AgentResult:
    """The model's answer, after a stated reading placed in its limit row ("PSI 0.27": the action level,
    :mod:`copilot.agents.reading_check`) or else the table row the question names by row and column words
    (:mod:`copilot.agents.cell_lookup`), quoted once the check that the sources state the answer has passed."""
    reading = reading_answer(ctx.sources, ctx.original)
    # "can we deploy if ...?" is decided by a rule, not read from a row
    row = named_row(ctx.sources, ctx.original) if reading is None and not PERMISSION.search(ctx.original) else None
    lead = f"{reading}\n\n" if reading else render_named_row(row) + "\n\n" if row is not None else ""
    raw, timings = stream_answer(ctx, grounded_messages(instructions, ctx), check_stated=True, lead=lead)
    return AgentResult(text=raw.strip(), model_text=raw, timings=timings, model_called=True)
