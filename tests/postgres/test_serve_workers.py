"""`copilot serve --workers N`: N processes on one port, sharing PostgreSQL (fake model, fast)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import write_corpus
from tests.api.live import free_port

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(1200)]
ROOT = Path(__file__).resolve().parents[2]


def _cmd(tmp: Path, *extra: str) -> list[str]:
    return ["nice", "-n", "19", sys.executable, "-m", "copilot.cli", "serve", "--profile", "test", "--no-ui",
            "--set", f"data_dir={tmp / 'data'}", "--set", f'knowledge_paths=["{tmp / "knowledge"}"]', *extra]


def test_more_than_one_worker_needs_a_database(tmp_path):
    out = subprocess.run(_cmd(tmp_path, "--workers", "2"), cwd=ROOT, capture_output=True, text=True, timeout=120,
                         stdin=subprocess.DEVNULL, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert out.returncode == 2
    assert "storage.url" in out.stderr


@pytest.mark.skipif(os.environ.get("COPILOT_E2E") != "1", reason="set COPILOT_E2E=1 to run (not yet passed here)")
def test_two_workers_serve_one_port(tmp_path, pg_url):
    write_corpus(tmp_path / "knowledge")
    port = free_port()
    log = tmp_path / "serve.log"
    proc = subprocess.Popen(_cmd(tmp_path, "--workers", "2", "--port", str(port), "--set", f"storage.url={pg_url}"),
                            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=open(log, "w"),  # noqa: SIM115
                            stderr=subprocess.STDOUT, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 600
        ready = 0
        while time.monotonic() < deadline and ready < 6:  # several answers in a row: both workers are up
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                ready = ready + 1 if httpx.get(f"{base}/readyz", timeout=2).status_code == 200 else 0
            except httpx.HTTPError:
                ready = 0
            time.sleep(0.5)
        assert ready >= 6, log.read_text()[-3000:]
        text = log.read_text()
        key = next(line.split("API key:")[1].strip() for line in text.splitlines() if "admin" in line and "API key:" in line)
        r = httpx.post(f"{base}/v1/chat", headers={"Authorization": f"Bearer {key}"}, timeout=120,
                       json={"message": "What should I check when pump P-101 vibrates?", "stream": False})
        assert r.status_code == 200 and r.json()["text"].strip()
        assert log.read_text().count("Started server process") == 2, log.read_text()[-2000:]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
