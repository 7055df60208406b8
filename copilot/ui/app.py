"""The Chainlit chat UI (loaded by Chainlit through :func:`copilot.ui.mount.mount_ui`).

Password login against the API's auth store; agent profiles with starters; streamed answers with
the answering agent as a step and sources as openable elements; approval cards with Approve /
Reject buttons for approvers; document upload for admins; thumbs up/down feedback.
"""

from __future__ import annotations

import asyncio
from typing import Any

import chainlit as cl

from copilot.api.auth import Principal
from copilot.api.runner import GenerationTimeout, QueueFull
from copilot.api.uploads import UploadError, UploadStore, check_name
from copilot.types import Answer, ApprovalRequest, Citation
from copilot.ui import render, state
from copilot.ui.feedback import FeedbackDataLayer

_feedback = FeedbackDataLayer()


@cl.data_layer
def _data_layer() -> FeedbackDataLayer:
    return _feedback


@cl.password_auth_callback
async def login(username: str, password: str) -> cl.User | None:
    auth = state.container().auth
    principal = await asyncio.to_thread(auth.verify_password, username, password)
    if principal is None:
        return None
    return cl.User(identifier=principal.user, display_name=principal.user, metadata={"role": principal.role})


def _principal() -> Principal:
    user = cl.user_session.get("user")
    return Principal(user.identifier, (user.metadata or {}).get("role", "viewer"))


@cl.set_chat_profiles
async def profiles(user: cl.User | None = None, language: str | None = None) -> list[cl.ChatProfile]:
    return [cl.ChatProfile(name=name, markdown_description=p["about"], default=name == "Auto",
                           starters=[cl.Starter(label=label, message=msg) for label, msg in p["starters"]])
            for name, p in render.PROFILES.items()]


@cl.on_chat_start
async def start() -> None:
    cl.user_session.set("copilot_thread", None)


async def _ingest(files: list[Any], principal: Principal) -> None:
    if not principal.has("admin"):
        await cl.Message(content="Only admins can add documents to the knowledge base.").send()
        return
    container = state.container()
    settings = container.settings
    embedder = getattr(container.get_retriever(), "embedder", None)
    for f in files:
        try:
            name = check_name(settings, f.name)
            data = await asyncio.to_thread(lambda p=f.path: open(p, "rb").read())
            if len(data) > settings.server.max_upload_mb * 1_000_000:
                raise UploadError(413, f"{name} is larger than {settings.server.max_upload_mb:g} MB")
            report = await asyncio.to_thread(UploadStore(settings, embedder).save_and_ingest, name, data,
                                             principal.user)
            summary = report.get("summary", {})
            result = f"Ingested {name}: {summary.get('chunks', '?')} chunks in the index."
        except UploadError as exc:
            result = f"Could not add {f.name}: {exc}"
        await cl.Message(content=result, author="Knowledge base").send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    principal = _principal()
    files = [e for e in (message.elements or []) if getattr(e, "path", None)]
    if files:
        await _ingest(files, principal)
    if message.content.strip():
        await _answer(message.content, principal)


async def _answer(text: str, principal: Principal) -> None:
    container = state.container()
    limit = container.settings.server.max_message_chars
    if len(text) > limit:
        await cl.Message(content=f"The message has {len(text)} characters; the limit is {limit}.").send()
        return
    try:
        copilot = await asyncio.to_thread(container.get_copilot)
        ticket = container.runner.admit()
    except QueueFull:
        await cl.Message(content="The model is busy with other questions; please retry in a moment.").send()
        return
    except Exception as exc:
        await cl.Message(content=f"The copilot is not ready: {exc}").send()
        return
    agent = render.agent_for(cl.user_session.get("chat_profile"))
    thread_id = cl.user_session.get("copilot_thread")
    reply = cl.Message(content="")
    answer: Answer | None = None
    try:
        async for event in container.runner.events(ticket, text, thread_id=thread_id, agent=agent,
                                                   user=principal.user):
            if event.type == "route":
                async with cl.Step(name=f"{event.data.get('route', '?')} agent", type="tool") as step:
                    step.output = (f"Routed to **{event.data.get('route')}** (confidence "
                                   f"{float(event.data.get('confidence', 0)):.2f}, {event.data.get('method', '')})")
            elif event.type == "token":
                await reply.stream_token(event.data.get("text", ""))
            elif event.type == "done":
                answer = Answer.model_validate(event.data)
            elif event.type == "error":
                await reply.stream_token(f"\n\n**Error:** {event.data.get('message', 'unknown error')}")
    except GenerationTimeout as exc:
        await reply.stream_token(f"\n\n**Stopped:** {exc}")
    if answer is None:
        await reply.send()
        return
    cl.user_session.set("copilot_thread", answer.thread_id)
    await _finish(reply, answer, copilot, principal)


async def _finish(reply: cl.Message, answer: Answer, copilot: Any, principal: Principal) -> None:
    citations: list[Citation] = answer.citations
    reply.content = answer.text + render.sources_list(citations)
    reply.elements = [cl.Text(name=render.source_name(c), content=render.source_text(c), display="side")
                      for c in citations]
    await reply.send()  # ends the stream and attaches the sources
    history = await asyncio.to_thread(copilot.history, answer.thread_id)
    # Chainlit puts the thumbs on the turn (its "on_message" run step) or on a message of it:
    # any of those ids rates this answer.
    ids = [reply.id, getattr(cl.context.current_run, "id", None)]
    if answer.approval is not None:
        ids.append((await _approval_card(answer.approval, principal)).id)
    for ui_id in filter(None, ids):
        _feedback.remember(ui_id, answer.thread_id, len(history) - 1, principal.user, principal.role)


async def _approval_card(req: ApprovalRequest, principal: Principal) -> cl.Message:
    can = principal.has("approver")
    actions = [cl.Action(name="approve", payload={"id": req.id}, label="Approve", icon="check"),
               cl.Action(name="reject", payload={"id": req.id}, label="Reject", icon="x")] if can else []
    card = cl.Message(content=render.approval_card(req, can), actions=actions)
    await card.send()
    cards = cl.user_session.get("approval_cards") or {}
    cards[req.id] = card
    cl.user_session.set("approval_cards", cards)
    return card


async def _decide(action: cl.Action, decision: str) -> None:
    principal = _principal()
    if not principal.has("approver"):
        await cl.Message(content="Deciding needs the approver role.").send()
        return
    copilot = state.container().get_copilot()
    try:
        req = await asyncio.to_thread(copilot.decide, action.payload["id"], decision, approver=principal.user,
                                      comment=f"{decision} in the chat UI")
    except (KeyError, ValueError) as exc:
        await cl.Message(content=f"Could not {decision}: {exc}").send()
        return
    card = (cl.user_session.get("approval_cards") or {}).pop(req.id, None)
    await (card.remove_actions() if card is not None else action.remove())
    records = await asyncio.to_thread(
        copilot.list_work_orders if req.kind == "work_order" else copilot.list_decision_records)
    record = next((r for r in records if r.get("approval_id") == req.id), None)
    await cl.Message(content=render.decision_text(req, record)).send()


@cl.action_callback("approve")
async def approve(action: cl.Action) -> None:
    await _decide(action, "approve")


@cl.action_callback("reject")
async def reject(action: cl.Action) -> None:
    await _decide(action, "reject")
