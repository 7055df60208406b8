"""The Chainlit chat UI (loaded by Chainlit through :func:`copilot.ui.mount.mount_ui`).

Password login against the API's auth store; agent profiles with starters (upload only for admins);
answers with progress, streamed text and clickable citations; proposals as approval forms; an
approvals inbox reachable from any thread; thread history in Chainlit's SQL data layer, where the
Chainlit thread id is the copilot thread id (resuming a thread continues the same conversation).
"""

from __future__ import annotations

import asyncio
from typing import Any

import chainlit as cl
from chainlit.config import ChainlitConfigOverrides, FeaturesSettings, SpontaneousFileUploadFeature
from chainlit.types import ThreadDict

from copilot.services.auth import Principal
from copilot.services.uploads import UploadError, UploadStore
from copilot.ui import answer, inbox, render, state
from copilot.ui.history import CopilotDataLayer

NO_UPLOAD = ChainlitConfigOverrides(
    features=FeaturesSettings(spontaneous_file_upload=SpontaneousFileUploadFeature(enabled=False)))


@cl.data_layer
def _data_layer() -> CopilotDataLayer:
    root = state.services().settings.data_dir / "chainlit"
    return CopilotDataLayer(root / "history.sqlite3", root / "elements")


def _history() -> CopilotDataLayer:
    from chainlit.data import get_data_layer

    return get_data_layer()  # type: ignore[return-value]


@cl.password_auth_callback
async def login(username: str, password: str) -> cl.User | None:
    auth = state.services().auth
    principal = await asyncio.to_thread(auth.verify_password, username, password)
    if principal is None:
        return None
    return cl.User(identifier=principal.user, display_name=principal.user, metadata={"role": principal.role})


def _principal() -> Principal:
    user = cl.user_session.get("user")
    return Principal(user.identifier, (user.metadata or {}).get("role", "viewer"))


@cl.set_chat_profiles
async def profiles(user: cl.User | None = None, language: str | None = None) -> list[cl.ChatProfile]:
    admin = user is not None and Principal(user.identifier, (user.metadata or {}).get("role", "viewer")).has("admin")
    return [cl.ChatProfile(name=name, markdown_description=p["about"], default=name == "Auto",
                           starters=[cl.Starter(label=label, message=msg) for label, msg in p["starters"]],
                           config_overrides=None if admin else NO_UPLOAD)
            for name, p in render.PROFILES.items()]


async def _welcome(principal: Principal) -> None:
    await cl.context.emitter.set_commands([inbox.COMMAND])
    if principal.has("approver"):
        copilot = await asyncio.to_thread(state.services().get_copilot)
        pending = await asyncio.to_thread(copilot.list_approvals, "pending")
        if pending:
            await cl.Message(content=f"{len(pending)} item{'s await' if len(pending) != 1 else ' awaits'} your approval.",
                             author="Approvals",
                             actions=[cl.Action(name="inbox", payload={}, label="Open inbox", icon="inbox")]).send()


@cl.on_chat_start
async def start() -> None:
    await _welcome(_principal())


@cl.on_chat_resume
async def resume(thread: ThreadDict) -> None:
    """The Chainlit thread id is the copilot thread id: nothing to restore but the commands."""
    await cl.context.emitter.set_commands([inbox.COMMAND])


async def _ingest(files: list[Any], principal: Principal) -> None:
    if not principal.has("admin"):
        await cl.Message(content="Only admins can add documents to the knowledge base.").send()
        return
    services = state.services()
    store = UploadStore(services.settings, getattr(services.get_retriever(), "embedder", None))
    for f in files:
        try:
            data = await asyncio.to_thread(lambda p=f.path: open(p, "rb").read())
            name, report = await asyncio.to_thread(store.upload, f.name, data, principal.user)
            result = f"Ingested {name}: {render.ingest_summary(report)}"
        except UploadError as exc:
            result = f"Could not add {f.name}: {exc}"
        await cl.Message(content=result, author="Knowledge base").send()


@cl.on_message
async def on_message(message: cl.Message) -> None:
    principal = _principal()
    files = [e for e in (message.elements or []) if getattr(e, "path", None)]
    if files:
        await _ingest(files, principal)
    text = message.content.strip()
    if message.command == "Inbox" or (text and inbox.ASKS_FOR_INBOX.search(text) and len(text) < 120):
        await inbox.show(principal)
    elif text:
        await _answer(text, principal)


async def _answer(text: str, principal: Principal) -> None:
    thread_id = cl.context.session.thread_id
    result = await answer.run_turn(text, principal, thread_id)
    if result is None:
        return
    reply, ans = result
    extra = []
    if ans.approval is not None:
        extra.append((await inbox.card(ans.approval, principal)).id)
    copilot = state.services().get_copilot()
    history = await asyncio.to_thread(copilot.history, ans.thread_id)
    for ui_id in answer.rate_ids(reply, extra):
        _history().remember(ui_id, ans.thread_id, len(history) - 1, principal.user, principal.role)


@cl.action_callback("decide")
async def decide(action: cl.Action) -> dict[str, Any]:
    return await inbox.decide(action.payload, _principal())


@cl.action_callback("inbox")
async def open_inbox(action: cl.Action) -> None:
    await inbox.show(_principal())
