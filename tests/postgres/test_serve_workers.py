"""`copilot serve --workers N`: N processes on one port, sharing PostgreSQL (fake model, fast)."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from copilot.testing.procs import child_env, free_port, serve_cmd, start, stop, wait_http
from tests.api.conftest import write_corpus

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(1200)]
ROOT = Path(__file__).resolve().parents[2]


def _args(tmp: Path, *extra: str) -> list[str]:
    return serve_cmd("--no-ui", "--set", f"data_dir={tmp / 'data'}", "--set",
                     f'knowledge_paths=["{tmp / "knowledge"}"]', *extra)


def test_more_than_one_worker_needs_a_database(tmp_path):
    out = subprocess.run(["nice", "-n", "19", *_args(tmp_path, "--workers", "2")], cwd=ROOT, capture_output=True,
                         text=True, timeout=600, stdin=subprocess.DEVNULL, env=child_env())
    assert out.returncode == 2
    assert "storage.url" in out.stderr


def test_two_workers_serve_one_port(tmp_path, pg_url):
    write_corpus(tmp_path / "knowledge")
    port = free_port()
    log = tmp_path / "serve.log"
    proc = start(_args(tmp_path, "--workers", "2", "--port", str(port), "--set", f"storage.url={pg_url}"),
                 log=log, env=child_env(), cwd=ROOT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(f"{base}/readyz", proc, what="copilot serve --workers 2", log=log, timeout=900)  # upper bound
        deadline = time.monotonic() + 600
        while log.read_text().count("Application startup complete") < 2:  # both workers are up
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.5)
        text = log.read_text()
        assert text.count("Started server process") == 2, text[-3000:]  # one line per worker
        key = next(line.split("API key:")[1].strip() for line in text.splitlines() if "admin" in line and "API key:" in line)
        for _ in range(4):  # connections are spread by the kernel over both workers
            r = httpx.post(f"{base}/v1/chat", headers={"Authorization": f"Bearer {key}"}, timeout=120,
                           json={"message": "What should I check when pump P-101 vibrates?", "stream": False})
            assert r.status_code == 200 and r.json()["text"].strip(), r.text
    finally:
        stop([proc], timeout=30)
