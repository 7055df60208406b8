"""One answer in the chat UI: progress while it waits or works, streamed text, clickable citations.

Progress is a step that says what is happening (place in the queue, routing, searching, reading a
table, writing) instead of silence. Each source becomes its own side element named like its marker
(``[1]``), so Chainlit turns every ``[1]`` in the answer into a link that opens exactly that source.
"""

from __future__ import annotations

import asyncio
from typing import Any

import chainlit as cl

from copilot.graph.contract import AnswerCollector, TurnFailed
from copilot.limits import InputRejected, check_message
from copilot.services.auth import Principal
from copilot.services.runner import GenerationTimeout, QueueFull
from copilot.types import Answer
from copilot.ui import render, state


class Progress:
    """A "Progress" step whose text follows the request from the queue to the first token."""

    def __init__(self) -> None:
        self.step = cl.Step(name="Progress", type="tool", default_open=True)
        self.lines: list[str] = []

    async def say(self, line: str) -> None:
        self.lines.append(line)
        self.step.output = "\n".join(f"- {x}" for x in self.lines)
        if len(self.lines) == 1:
            await self.step.send()
        else:
            await self.step.update()


def citation_elements(answer: Answer) -> list[cl.Text]:
    return [cl.Text(name=render.source_name(c), content=render.source_text(c), display="side")
            for c in answer.citations]


async def run_turn(text: str, principal: Principal, thread_id: str) -> tuple[cl.Message, Answer] | None:
    """Stream one answer into a new message; returns (message, answer) or None when it failed."""
    services = state.services()
    try:
        check_message(text, services.settings.server.max_message_chars)
    except InputRejected as exc:
        await cl.Message(content=f"{str(exc)[0].upper()}{str(exc)[1:]}.").send()
        return None
    try:
        await asyncio.to_thread(services.get_copilot)
        ticket = services.runner.admit()
    except QueueFull:
        await cl.Message(content="The model is busy with other questions; please retry in a moment.").send()
        return None
    except Exception as exc:
        await cl.Message(content=f"The copilot is not ready: {exc}").send()
        return None
    progress = Progress()
    ahead = services.runner.ahead()
    await progress.say(f"Waiting in the queue: {ahead} request{'s' if ahead != 1 else ''} ahead" if ahead
                       else "Understanding the question")
    agent = render.agent_for(cl.user_session.get("chat_profile"))
    reply = cl.Message(content="")
    answer: Answer | None = None
    collector = AnswerCollector()
    try:
        async for event in services.runner.events(ticket, text, thread_id=thread_id, agent=agent,
                                                   user=principal.user):
            if event.type == "route":
                await progress.say(f"Routed to the **{event.data.get('route', '?')} agent** (confidence "
                                   f"{float(event.data.get('confidence', 0)):.2f}, {event.data.get('method', '')})")
            elif event.type == "progress":
                await progress.say(str(event.data.get("message", "")))
            elif event.type == "sources":
                await progress.say(f"Found {len(event.data.get('citations', []))} source passages; writing the answer")
            elif event.type == "table_plan":
                await progress.say(f"Table query matched {event.data.get('rows', 0)} rows")
            elif event.type == "token":
                await reply.stream_token(event.data.get("text", ""))
            else:
                answer = collector.feed(event) or answer
    except TurnFailed as exc:
        await reply.stream_token(f"\n\n**Error:** {exc}")
    except GenerationTimeout as exc:
        await reply.stream_token(f"\n\n**Stopped:** {exc}")
    if answer is None:
        await reply.send()
        return None
    reply.content = answer.text + render.sources_list(answer.citations)
    reply.elements = citation_elements(answer)  # type: ignore[assignment]
    await reply.send()  # ends the stream and attaches the sources
    if answer.citations:
        # Chainlit 2 opens a panel listing every side element of a new message; sources open one at a
        # time from their [n] links instead, so close that panel again.
        await cl.ElementSidebar.set_elements([])
    return reply, answer


def rate_ids(reply: cl.Message, extra: list[Any]) -> list[str]:
    """UI ids whose thumbs rate this answer: the message, its run step ("on_message") and any card."""
    return [i for i in [reply.id, getattr(cl.context.current_run, "id", None), *extra] if i]
