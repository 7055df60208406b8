"""UI helpers without a browser: rendering, feedback data layer, offline HTML, the serve command."""

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
    text = render.source_text(c)
    for part in ("Pump manual", "Cavitation", "**Page:** 4", "**Revision:** C", "Check strainer S-3 first."):
        assert part in text
    footer = render.sources_list([c, _cit(2)])
    assert "Source 1: Pump manual (Cavitation, p. 4, rev. C)" in footer and "Source 2" in footer
    assert render.sources_list([]) == ""


def test_approval_card_depends_on_role() -> None:
    req = ApprovalRequest(id="a1", kind="work_order", thread_id="t", payload={"asset": "P-101"}, summary="Inspect")
    assert "Approve or reject" in render.approval_card(req, True)
    assert "awaits approval" in render.approval_card(req, False)
    done = req.model_copy(update={"status": "approved", "decided_by": "ann"})
    assert render.decision_text(done, {"id": "WO-1"}) == "Work order `a1` approved by **ann**. Stored as `WO-1`."


def test_feedback_layer_records_for_operator_only(settings) -> None:
    from copilot.ui.mount import configure_chainlit_env

    configure_chainlit_env(settings)  # before chainlit is imported: keeps its files out of the repo
    from chainlit.types import Feedback

    from copilot.ui import state
    from copilot.ui.feedback import FeedbackDataLayer
    from tests.api.stub import StubCopilot

    stub = StubCopilot()

    class C:
        def get_copilot(self):
            return stub

    state.configure(C())
    layer = FeedbackDataLayer()
    layer.remember("m1", "t1", 1, "olga", "operator")
    layer.remember("m2", "t1", 1, "vic", "viewer")
    asyncio.run(layer.upsert_feedback(Feedback(forId="m1", value=0, comment="wrong valve")))
    assert stub.feedback == [("t1", 1, -1, "olga", "wrong valve")]
    with pytest.raises(PermissionError):
        asyncio.run(layer.upsert_feedback(Feedback(forId="m2", value=1)))
    with pytest.raises(ValueError):
        asyncio.run(layer.upsert_feedback(Feedback(forId="other", value=1)))
    assert len(stub.feedback) == 1


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
