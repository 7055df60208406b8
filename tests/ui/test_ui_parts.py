"""UI helpers without a browser: rendering, forms, inbox, the history data layer, offline HTML, serve."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from copilot.types import ApprovalRequest, Citation
from copilot.ui import render


def _cit(marker: int = 1) -> Citation:
    return Citation(marker=marker, chunk_id="c", doc_id="d", title="Pump manual", section="Cavitation", page=4,
                    revision="C", source="kb/pump.md", text="Check strainer S-3 first.")


def test_profiles_and_agents() -> None:
    assert set(render.PROFILES) == {"Auto", "Readiness", "Governance", "Maintenance"}
    assert render.agent_for("Maintenance") == "maintenance"
    assert render.agent_for(None) is None and render.agent_for("unknown") is None
    assert all(p["starters"] for p in render.PROFILES.values())


def test_sources_render_with_provenance() -> None:
    c = _cit()
    assert render.source_name(c) == "[1]"  # the element name is the marker, so each [1] links to its source
    text = render.source_text(c)
    for part in ("Pump manual", "Cavitation", "**Page:** 4", "**Revision:** C", "> Check strainer S-3 first."):
        assert part in text
    footer = render.sources_list([c, _cit(2)])
    assert "- [1] Pump manual (section Cavitation, page 4, rev. C)" in footer and "- [2] Pump manual" in footer
    assert render.sources_list([]) == ""


def test_ingest_summary_reports_the_documents_own_chunks() -> None:
    report = {"summary": {"chunks": 340, "documents": 9},
              "files": [{"path": "a.md", "status": "added", "chunks": 12}]}
    assert render.ingest_summary(report) == ("12 chunks from this document (added); the index now holds "
                                             "340 chunks in 9 documents.")


def test_work_order_form_fields_round_trip() -> None:
    from copilot.actions.models import validate_payload
    from copilot.ui import forms

    payload = validate_payload("work_order", {
        "asset": "P-101", "priority": "high", "problem": "Cavitation and a rattling noise on the suction side",
        "steps": ["Isolate", "Check strainer S-3"], "safety_requirements": ["LOTO"], "estimated_duration_h": 3.0})
    fields = {f["key"]: f for f in forms.to_fields("work_order", payload)}
    assert fields["priority"]["widget"] == "choice" and fields["priority"]["options"] == [
        "low", "medium", "high", "emergency"]
    assert fields["steps"]["widget"] == "list" and fields["steps"]["value"] == "Isolate\nCheck strainer S-3"
    assert fields["estimated_duration_h"]["widget"] == "number"
    edited = forms.from_fields("work_order", payload, {"priority": "medium", "steps": "Isolate\n\n Replace seal ",
                                                       "estimated_duration_h": "4.5", "unknown": "x"})
    assert edited["priority"] == "medium" and edited["steps"] == ["Isolate", "Replace seal"]
    assert edited["estimated_duration_h"] == 4.5 and "unknown" not in edited
    assert validate_payload("work_order", edited)["steps"] == ["Isolate", "Replace seal"]
    with pytest.raises(ValueError, match="must be a number"):
        forms.from_fields("work_order", payload, {"estimated_duration_h": "soon"})
    req = ApprovalRequest(id="a1", kind="work_order", thread_id="t", payload=payload, summary="Inspect")
    props = forms.card_props(req, requested_by="olga", can_decide=False)
    assert props["requestedBy"] == "olga" and props["canDecide"] is False and props["kindLabel"] == "Work order"
    done = req.model_copy(update={"status": "approved", "decided_by": "ann"})
    assert forms.card_props(done, requested_by=None, can_decide=True)["canDecide"] is False
    assert render.decision_text(done, {"id": "WO-1"}) == "Work order `a1` approved by **ann**. Stored as `WO-1`."


def test_inbox_finds_who_asked_and_recognises_requests(settings) -> None:
    from copilot.ui.mount import configure_chainlit_env

    configure_chainlit_env(settings)  # before chainlit is imported: keeps its files out of the repo
    from copilot.ui import inbox
    from tests.api.stub import StubCopilot

    stub = StubCopilot()
    req = ApprovalRequest(id="a1", kind="work_order", thread_id="t1", payload={}, summary="x")
    stub.threads["t1"] = [{"role": "user", "content": "q1", "user": "olga"},
                          {"role": "assistant", "content": "a1"},
                          {"role": "user", "content": "q2", "user": "ivan"},
                          {"role": "assistant", "content": "a2", "approval_id": "a1"}]
    assert inbox.requester(stub, req) == "ivan"
    assert inbox.requester(stub, req.model_copy(update={"thread_id": "gone"})) is None
    for text in ("Show me the pending work orders", "open inbox", "my requests", "decision records to approve"):
        assert inbox.ASKS_FOR_INBOX.search(text), text
    assert not inbox.ASKS_FOR_INBOX.search("Pump P-101 is cavitating. Propose a work order.")


def test_history_layer_stores_threads_in_sqlite_and_forwards_feedback(settings) -> None:
    from copilot.ui.mount import configure_chainlit_env

    configure_chainlit_env(settings)  # before chainlit is imported: keeps its files out of the repo
    from chainlit.types import Feedback
    from chainlit.user import User

    from copilot.ui import state
    from copilot.ui.history import CopilotDataLayer
    from tests.api.stub import StubCopilot

    stub = StubCopilot()

    class C:
        def get_copilot(self):
            return stub

    state.configure(C())
    root = settings.data_dir / "ui"
    layer = CopilotDataLayer(root / "history.sqlite3", root / "files")

    async def scenario() -> tuple:
        user = await layer.create_user(User(identifier="olga", metadata={"role": "operator"}))
        await layer.execute_sql('INSERT INTO threads ("id", "name", "userId", "userIdentifier", "tags", "metadata") '
                                "VALUES (:id, :name, :uid, :ident, :tags, :metadata)",
                                {"id": "t1", "name": "Pump", "uid": user.id, "ident": "olga",
                                 "tags": ["Maintenance"], "metadata": {"chat_profile": "Maintenance"}})
        stored = await layer.storage_provider.upload_file("olga/e1/[1]", "passage text", mime="text/plain")
        threads = await layer.get_all_user_threads(user_id=user.id)
        layer.remember("m1", "t1", 1, "olga", "operator")
        layer.remember("m2", "t1", 1, "vic", "viewer")
        await layer.upsert_feedback(Feedback(forId="m1", value=0, comment="wrong valve", threadId="t1"))
        return user, stored, threads, await layer.storage_provider.get_read_url("olga/e1/[1]")

    user, stored, threads, url = asyncio.run(scenario())
    assert user.identifier == "olga" and user.metadata == {"role": "operator"}
    assert [(t["id"], t["tags"], t["metadata"]) for t in threads] == [
        ("t1", ["Maintenance"], {"chat_profile": "Maintenance"})]
    assert stored["url"] == url and url.startswith("data:text/plain;base64,")
    assert stub.feedback == [("t1", 1, -1, "olga", "wrong valve")]
    with pytest.raises(PermissionError):
        asyncio.run(layer.upsert_feedback(Feedback(forId="m2", value=1)))
    with pytest.raises(ValueError):
        asyncio.run(layer.storage_provider.upload_file("../escape", "x"))


def test_offline_html_strips_cdn_links(settings) -> None:
    from copilot.ui.mount import _offline_html, auth_secret, prepare_root

    html = ('<link rel="preconnect" href="https://fonts.googleapis.com" />\n<link\n  rel="stylesheet"\n'
            '  href="https://cdn.jsdelivr.net/npm/katex.css"\n/>\n<link rel="stylesheet" href="/chat/assets/x.css">')
    out = _offline_html(lambda root: html)("/chat")
    assert "https://" not in out and "/chat/assets/x.css" in out
    secret = auth_secret(settings)
    assert len(secret) > 40 and auth_secret(settings) == secret
    root = prepare_root(settings.data_dir / "cl")
    assert (root / ".chainlit" / "config.toml").is_file() and (root / "public" / "theme.json").is_file()
    assert (root / "public" / "elements" / "ApprovalCard.jsx").is_file()
    import json

    login = json.loads((root / ".chainlit" / "translations" / "en-US.json").read_text())["auth"]["login"]
    assert login["form"]["email"]["label"] == "Username" and "Industrial Copilot" in login["title"]


def test_serve_help_mentions_host_and_port() -> None:
    from typer.testing import CliRunner

    from copilot.cli import app

    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--host" in result.output and "--port" in result.output


def test_serve_prints_login_once(tmp_path: Path, monkeypatch) -> None:
    import uvicorn
    from typer.testing import CliRunner

    from copilot.cli import app

    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda application, host, port, **kw: calls.append((host, port)))
    args = ["serve", "--profile", "test", "--no-ui", "--port", "8123", "--set", f"data_dir={tmp_path / 'd'}",
            "--set", f"knowledge_paths=[{tmp_path / 'none'}]"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "http://127.0.0.1:8123/chat" in first.output and "/docs" in first.output
    assert "API key: ck_" in first.output and "UI password" in first.output
    second = CliRunner().invoke(app, args)
    assert "ck_" not in second.output and "printed at first start" in second.output
    assert calls == [("127.0.0.1", 8123), ("127.0.0.1", 8123)]
