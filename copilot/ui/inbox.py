"""The approvals inbox: every pending item for approvers, one's own requests for everyone else.

Reachable from any thread (the "Inbox" command, the "Open inbox" button shown to approvers, or a
question such as "show me the pending work orders"). Each item is an ``ApprovalCard`` form: who
asked and when, what will be recorded, and approve / edit / reject with a comment. Decisions go
through ``Copilot.decide`` like everywhere else.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import chainlit as cl
from chainlit.data import get_data_layer

from copilot.services.auth import Principal
from copilot.types import ApprovalRequest
from copilot.ui import forms, render, state

ASKS_FOR_INBOX = re.compile(
    r"\b(inbox|my requests|my approvals|(pending|awaiting|open|outstanding)\s+(approvals?|work\s*orders?|"
    r"decision\s*records?|reports?|requests?)|(approvals?|work\s*orders?|decision\s*records?|reports?)\s+"
    r"(pending|awaiting approval|to approve))\b", re.I)
COMMAND = {"id": "Inbox", "icon": "inbox", "description": "Pending approvals (approvers) or the status of your requests"}


def requester(copilot: Any, req: ApprovalRequest) -> str | None:
    """Who asked for ``req``: the user of the turn whose answer proposed it (from the thread history)."""
    try:
        messages = copilot.history(req.thread_id)
    except KeyError:
        return None
    asker = None
    for m in messages:
        if m.get("role") == "user":
            asker = m.get("user")
        elif m.get("approval_id") == req.id and m.get("event") != "approval_outcome":
            return asker
    return None


def _collect(principal: Principal) -> tuple[str, list[tuple[ApprovalRequest, str | None]]]:
    copilot = state.services().get_copilot()
    if principal.has("approver"):
        items = [(r, requester(copilot, r)) for r in copilot.list_approvals("pending")]
        return "pending", items
    mine = [(r, who) for r in copilot.list_approvals(None) if (who := requester(copilot, r)) == principal.user]
    return "mine", mine


async def show(principal: Principal) -> cl.Message:
    """Send the inbox (approvers) or the caller's own requests with their status."""
    scope, items = await asyncio.to_thread(_collect, principal)
    items.sort(key=lambda item: item[0].created_at, reverse=True)
    can = principal.has("approver")
    if scope == "pending":
        head = (f"**Approvals inbox:** {len(items)} item{'s' if len(items) != 1 else ''} awaiting a decision."
                if items else "**Approvals inbox:** nothing awaits a decision.")
    else:
        head = (f"**Your requests:** {len(items)}." if items
                else "**Your requests:** you have not asked for anything that needs approval.")
    elements = [cl.CustomElement(name="ApprovalCard", display="inline",
                                 props=forms.card_props(req, requested_by=who, can_decide=can))
                for req, who in items[:30]]
    msg = cl.Message(content=head, elements=elements, author="Approvals")  # type: ignore[arg-type]
    await msg.send()
    return msg


async def card(req: ApprovalRequest, principal: Principal) -> cl.Message:
    """The form of one new proposal, sent under the answer that proposed it."""
    props = forms.card_props(req, requested_by=principal.user, can_decide=principal.has("approver"))
    msg = cl.Message(content=f"**Proposed {forms.KIND_LABEL[req.kind].lower()}:** {req.summary}",
                     elements=[cl.CustomElement(name="ApprovalCard", display="inline", props=props)])
    await msg.send()
    return msg


async def decide(payload: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Apply a decision from a card; returns the new card state (or an error) for the card to show."""
    if not principal.has("approver"):
        return {"error": "Deciding needs the approver role."}
    copilot = state.services().get_copilot()
    approval_id, decision = str(payload.get("id", "")), str(payload.get("decision", ""))
    comment = (payload.get("comment") or "").strip() or None
    try:
        req = await asyncio.to_thread(copilot.get_approval, approval_id)
        edited = None
        if decision == "edit":
            edited = forms.from_fields(req.kind, req.payload, payload.get("values") or {})
        req = await asyncio.to_thread(copilot.decide, approval_id, decision, approver=principal.user,
                                      comment=comment, edited_payload=edited)
    except KeyError:
        return {"error": f"No approval request {approval_id}."}
    except ValueError as exc:
        return {"error": f"Could not {decision}: {exc}"}
    lister = {"work_order": copilot.list_work_orders, "decision_record": copilot.list_decision_records,
              "report": copilot.list_reports}[req.kind]
    records = await asyncio.to_thread(lister)
    record = next((r for r in records if r.get("approval_id") == req.id), None)
    await cl.Message(content=render.decision_text(req, record), author="Approvals").send()
    changes = {"status": req.status, "decidedBy": req.decided_by, "comment": req.comment or "",
               "record": (record or {}).get("id", ""), "canDecide": False,
               "fields": forms.to_fields(req.kind, req.payload)}
    layer = get_data_layer()
    if layer is not None and hasattr(layer, "update_cards"):
        await layer.update_cards(req.id, changes)
    return changes
