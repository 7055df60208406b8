"""Wire the nodes into a LangGraph StateGraph, and the SQLite checkpointer that makes threads durable."""

from __future__ import annotations

import sqlite3
from typing import Any

from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import END, START, StateGraph

from copilot.config import Settings
from copilot.db import secure_dir, secure_file
from copilot.graph.approval import approval_node
from copilot.graph.nodes import after_safety, draft_node, finalize_node, prepare_node, route_node, safety_node
from copilot.graph.state import CopilotState, RunContext


def checkpointer_path(settings: Settings):
    return settings.data_dir / "checkpoints.sqlite3"


def build_checkpointer(settings: Settings) -> Any:
    """A SqliteSaver on ``<data_dir>/checkpoints.sqlite3``: threads and pending approvals survive a restart.
    With ``storage.url`` set: langgraph-checkpoint-postgres on that database (shared by every worker)."""
    if settings.storage.url:
        from copilot.pg import postgres_checkpointer

        return postgres_checkpointer(settings.storage.url)
    path = checkpointer_path(settings)
    secure_dir(path.parent)
    conn = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
    saver = SqliteSaver(conn)
    saver.setup()
    secure_file(path)  # conversations are private: 0600 like auth.json
    return saver


def build_graph(checkpointer: Any) -> Any:
    """safety -> route -> prepare -> draft -> finalize -> approval (interrupt) -> END."""
    g = StateGraph(CopilotState, context_schema=RunContext)
    g.add_node("safety", safety_node)
    g.add_node("route", route_node)
    g.add_node("prepare", prepare_node)
    g.add_node("draft", draft_node)
    g.add_node("finalize", finalize_node)
    g.add_node("approval", approval_node)
    g.add_edge(START, "safety")
    g.add_conditional_edges("safety", after_safety, {"route": "route", "prepare": "prepare", "finalize": "finalize"})
    g.add_edge("route", "prepare")
    g.add_edge("prepare", "draft")
    g.add_edge("draft", "finalize")
    g.add_edge("finalize", "approval")
    g.add_edge("approval", END)
    return g.compile(checkpointer=checkpointer)
