"""`copilot audit verify` from the command line: OK, tampered (exit 1), unreadable (exit 2), no traceback."""

from __future__ import annotations

import sqlite3

from typer.testing import CliRunner

from copilot.audit import AuditLog
from copilot.cli import app


def _run(data_dir):
    return CliRunner().invoke(app, ["audit", "verify", "--profile", "test", "--set", f"data_dir={data_dir}"])


def _log(data_dir):
    log = AuditLog(data_dir / "copilot.sqlite3")
    for i in range(3):
        log.append("turn", {"i": i}, actor="alice")
    return log


def test_intact_tampered_and_corrupt(tmp_path):
    data = tmp_path / "data"
    log = _log(data)
    ok = _run(data)
    assert ok.exit_code == 0 and "OK: 3 records" in ok.output
    with sqlite3.connect(log.db_path) as conn:
        conn.execute("DROP TRIGGER audit_no_delete")
    bad = _run(data)
    assert bad.exit_code == 1 and "TAMPERED" in bad.output and "trigger" in bad.output
    with sqlite3.connect(log.db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sqlite_master WHERE name='audit_no_delete'").fetchone()[0] == 0
    log.db_path.write_bytes(b"\x00" * 4096)
    corrupt = _run(data)
    assert corrupt.exit_code == 2 and "CANNOT BE CHECKED" in corrupt.output
    assert "Traceback" not in corrupt.output
    assert corrupt.exception is None or isinstance(corrupt.exception, SystemExit)


def test_missing_database_is_not_created(tmp_path):
    result = _run(tmp_path / "empty")
    assert result.exit_code == 2 and "no audit database" in result.output
    assert not (tmp_path / "empty" / "copilot.sqlite3").exists()
