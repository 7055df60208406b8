"""Answers read from the sources, no model: the rule forbidding what is asked, a RACI row's roles, a timeline row's date, or the set
a table enumerates."""

from __future__ import annotations

from copilot.agents.base import AgentContext, AgentResult, grounded_messages, say, stream_answer
from copilot.agents.cell_lookup import named_row, render_named_row
from copilot.agents.figure_lists import named_set, render_figure_list
from copilot.agents.prohibition import forbidding_rule, render_forbidden
from copilot.agents.raci import raci_row, render_raci
from copilot.agents.reading_check import reading_answer
from copilot.agents.shapes import PERMISSION
from copilot.agents.timeline import dated_row, render_dated_row


def quoted_answer(ctx: AgentContext) -> AgentResult | None:
    """"Could we ...?" where a shown rule forbids it: "No" and the rule, quoted; "who is accountable for <activity>": that RACI row's letters, read; "list the five steps of ...": the table
    that enumerates them, quoted; "when do the Annex III rules apply": the timeline row, read. None when none
    applies (the model answers)."""
    forbidden = forbidding_rule(ctx.sources, ctx.original)  # "could we let a model run a SIF on its own?"
    raci = raci_row(ctx.sources, ctx.original) if forbidden is None else None
    dated = dated_row(ctx.sources, ctx.original) if raci is None and forbidden is None else None
    if forbidden is not None:
        text = render_forbidden(*forbidden)
    elif raci is not None:
        text = render_raci(*raci, ctx.original)
    elif dated is not None:
        text = render_dated_row(*dated)
    else:
        listed = named_set(ctx.sources, ctx.original)
        if listed is None:
            return None
        text = render_figure_list(listed)
    say(ctx, text)
    return AgentResult(text=text, model_text=text)


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
