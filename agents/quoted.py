"""Answers read from a table the question names, no model: a RACI row's roles, or the set a table enumerates."""

from __future__ import annotations

from copilot.agents.base import AgentContext, AgentResult, say
from copilot.agents.figure_lists import named_set, render_figure_list
from copilot.agents.raci import raci_row, render_raci


def quoted_answer(ctx: AgentContext) -> AgentResult | None:
    """"Who is accountable for <activity>": that RACI row's letters, read; "list the five steps of ...": the table
    that enumerates them, quoted. None when neither applies (the model answers)."""
    raci = raci_row(ctx.sources, ctx.original)
    if raci is not None:
        text = render_raci(*raci, ctx.original)
    else:
        listed = named_set(ctx.sources, ctx.original)
        if listed is None:
            return None
        text = render_figure_list(listed)
    say(ctx, text)
    return AgentResult(text=text, model_text=text)
