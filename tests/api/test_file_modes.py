"""Data files are private: the data dir 0700, databases, keys and anchors 0600 (like auth.json)."""

from __future__ import annotations

import os
import stat

from tests.api.conftest import Api
from tests.api.test_chat_routes import MAINT_Q


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_data_files_are_0600_and_the_data_dir_0700(api: Api) -> None:
    r = api.client.post("/v1/chat", json={"message": MAINT_Q, "stream": False, "agent": "maintenance"},
                        headers=api.h("operator"))
    assert r.status_code == 200
    data = api.settings.data_dir
    assert _mode(data) == 0o700
    names = ["copilot.sqlite3", "checkpoints.sqlite3", "auth.json", "secrets.json", "copilot.sqlite3.head"]
    for name in names:
        assert _mode(data / name) == 0o600, name


def test_existing_world_readable_databases_are_tightened(tmp_path) -> None:
    from copilot.actions.store import ActionStore

    path = tmp_path / "d" / "copilot.sqlite3"
    ActionStore(path)
    os.chmod(path, 0o644)
    os.chmod(path.parent, 0o755)
    ActionStore(path)
    assert _mode(path) == 0o600 and _mode(path.parent) == 0o700


def test_cli_commands_create_private_files(tmp_path) -> None:
    from copilot.commands.common import get_settings

    old = os.umask(0o022)
    try:
        get_settings(None, "test", [f"data_dir={tmp_path / 'x'}"])
        fresh = tmp_path / "fresh.txt"
        fresh.write_text("x")
        assert _mode(fresh) == 0o600
    finally:
        os.umask(old)
