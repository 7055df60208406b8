"""`copilot ask`, `copilot approvals` and `copilot audit` through the CLI (test profile, no index)."""

from __future__ import annotations

import json
import sqlite3

from typer.testing import CliRunner

from copilot.cli import app

runner = CliRunner()


def _opts(tmp_path):
    return ["--profile", "test", "--set", f"data_dir={tmp_path / 'data'}"]


def test_ask_json_then_audit_verify_and_tamper(tmp_path):
    result = runner.invoke(app, ["ask", "What can you do?", "--json", *_opts(tmp_path)])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["route"] and answer["thread_id"]
    ok = runner.invoke(app, ["audit", "verify", *_opts(tmp_path)])
    assert ok.exit_code == 0 and "chain intact" in ok.output
    tail = runner.invoke(app, ["audit", "tail", "-n", "1", "--json", *_opts(tmp_path)])
    assert json.loads(tail.stdout)[0]["kind"] == "turn"
    conn = sqlite3.connect(tmp_path / "data" / "copilot.sqlite3")
    conn.execute("DROP TRIGGER audit_no_update")
    conn.execute("UPDATE audit_log SET payload='{}' WHERE seq=1")
    conn.commit()
    conn.close()
    bad = runner.invoke(app, ["audit", "verify", *_opts(tmp_path)])
    assert bad.exit_code == 1 and "first bad record 1" in bad.output


def test_ask_rejects_unknown_agent_and_approvals_errors(tmp_path):
    result = runner.invoke(app, ["ask", "hi", "--agent", "wizard", *_opts(tmp_path)])
    assert result.exit_code == 2 and "unknown agent" in result.output
    listed = runner.invoke(app, ["approvals", "list", *_opts(tmp_path)])
    assert listed.exit_code == 0 and "no approvals" in listed.output
    missing = runner.invoke(app, ["approvals", "approve", "nope", "--as", "alice", *_opts(tmp_path)])
    assert missing.exit_code == 1 and "unknown approval" in missing.output
