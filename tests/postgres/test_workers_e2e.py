"""Two real `copilot serve` workers on one PostgreSQL database, answering with real llama.cpp servers
(the bundled 0.5B model) over the OpenAI-compatible backend: concurrent chats, a concurrent approval
race, a killed worker, the audit chain and an ingest seen by the other worker without a restart."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from copilot.audit import AuditLog
from copilot.config import load_settings
from copilot.testing.procs import child_env, free_port, serve_cmd, start, start_llama_server, stop, wait_http
from tests.actions.receiver import receiver
from tests.api.conftest import write_corpus
from tests.faults.harness import propose_work_order

# On by default (`make test`, `.ci/run`); COPILOT_E2E=0 opts out. History: on the loaded development VM
# (load 10-19 on 2 cores, the test at nice 19) runs 1-2 never got past the 20 concurrent chats (the niced
# model servers were too slow for their deadline), run 3b stopped at a model server that had loaded but did
# not answer within 300 s (now 900 s); run 3c passed (17 min session, load 9-12). Fourth pass (load 7-12):
# passed (7.3 min), then one of the three workers starting together was up but not ready after 900 s
# (load 10-12, three other niced jobs of ours); the bound is now 1800 s (docs/DEPLOY.md). The model servers load in parallel, the index is built meanwhile, and the three
# workers start together. Timeouts here are upper bounds only: everything waits by polling.
pytestmark = [pytest.mark.postgres, pytest.mark.real_model, pytest.mark.timeout(3600),
              pytest.mark.skipif(os.environ.get("COPILOT_E2E") == "0", reason="COPILOT_E2E=0 opts out")]
CHAT_TIMEOUT_S = 1200  # a chat's server-side deadline; the client waits a little longer

ROOT = Path(__file__).resolve().parents[2]
N_MODEL_SERVERS = 2


class Cluster:
    """The data dir, the model servers and the API workers of one test."""

    def __init__(self, tmp: Path, pg_url: str, hook_url: str, model_urls: list[str]) -> None:
        self.tmp, self.pg_url, self.hook_url, self.model_urls = tmp, pg_url, hook_url, model_urls
        self.workers: dict[int, subprocess.Popen] = {}
        self.keys: dict[str, str] = {}

    def sets(self) -> list[str]:
        pairs = {"data_dir": self.tmp / "data", "knowledge_paths": f'["{self.tmp / "knowledge"}"]',
                 "storage.url": self.pg_url, "llm.backend": "openai", "llm.base_urls": json.dumps(self.model_urls),
                 "llm.max_in_flight_per_endpoint": 1, "llm.endpoint_retry_s": 30, "llm.max_tokens": 32,
                 "server.queue_size": 1, "server.request_timeout_s": CHAT_TIMEOUT_S,
                 "agents.cmms_webhook_url": self.hook_url, "agents.webhook_timeout_s": 2,
                 "agents.webhook_backoff_s": 0.2}
        return [arg for k, v in pairs.items() for arg in ("--set", f"{k}={v}")]

    def settings(self, **llm: str):
        over = {"data_dir": str(self.tmp / "data"), "knowledge_paths": [str(self.tmp / "knowledge")],
                "storage": {"url": self.pg_url}, "agents": {"cmms_webhook_url": self.hook_url}}
        if llm:
            over["llm"] = llm
        return load_settings(profile="test", overrides=over)

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(["nice", "-n", "19", sys.executable, "-m", "copilot.cli", *args, "--profile", "test",
                               *self.sets()], cwd=ROOT, capture_output=True, text=True, timeout=300,
                              stdin=subprocess.DEVNULL, env=child_env())

    def start_workers(self, n: int = 1) -> list[str]:
        """Start ``n`` API workers at once and wait until each is ready; their base URLs."""
        ports = [free_port() for _ in range(n)]
        for port in ports:
            self.workers[port] = start(serve_cmd("--no-ui", "--skip-index", "--port", str(port), *self.sets()),
                                       log=self.tmp / f"worker-{port}.log", env=child_env(COPILOT_PG_POOL="4"),
                                       cwd=ROOT)
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/readyz", self.workers[port], what="copilot serve",
                      log=self.tmp / f"worker-{port}.log", timeout=1800)
        return [f"http://127.0.0.1:{port}" for port in ports]

    def api(self, base: str, method: str, path: str, role: str = "admin", **kw) -> httpx.Response:
        return httpx.request(method, f"{base}{path}", headers={"Authorization": f"Bearer {self.keys[role]}"},
                             timeout=CHAT_TIMEOUT_S + 60, **kw)

    def propose(self) -> dict:
        """A pending work order on the shared database (proposed in-process with the fake model)."""
        return propose_work_order(self.settings(backend="fake"))

    def stop(self) -> None:
        stop(self.workers.values())


@pytest.fixture
def cluster(tmp_path, pg_url):
    from copilot.ingest.pipeline import ensure_index
    from copilot.services.auth import AuthStore, keys_path

    write_corpus(tmp_path / "knowledge")
    # The model servers load in parallel, and the index is built while they do.
    servers = [start_llama_server(n_ctx=3072, n_threads=1, log=tmp_path / f"llama-{i}.log", wait=False)
               for i in range(N_MODEL_SERVERS)]
    try:
        with receiver() as (hook_url, received):
            c = Cluster(tmp_path, pg_url, hook_url, [u for u, _ in servers])
            c.received = received  # type: ignore[attr-defined]
            c.model_procs = [p for _, p in servers]  # type: ignore[attr-defined]
            settings = c.settings()
            ensure_index(settings, progress=False)
            c.keys = {u: cr["api_key"] for u, cr in (AuthStore(keys_path(settings)).bootstrap() or {}).items()}
            for i, (url, proc) in enumerate(servers):
                wait_http(f"{url}/models", proc, what="llama_cpp.server", log=tmp_path / f"llama-{i}.log",
                          timeout=900)
            try:
                yield c
            finally:
                c.stop()
    finally:
        stop(p for _, p in servers)


def test_two_workers_on_postgres(cluster):
    # A third worker (c) starts with them: it is used for the ingest at the end.
    a, b, c = cluster.start_workers(3)

    # 20 concurrent chats over both workers: each answered or refused with 429 (Retry-After), never a 5xx.
    def chat(i: int) -> httpx.Response:
        return cluster.api(a if i % 2 else b, "POST", "/v1/chat", role="operator",
                           json={"message": f"What should I check first when pump P-101 vibrates? ({i})",
                                 "stream": False})

    with ThreadPoolExecutor(20) as pool:
        responses = list(pool.map(chat, range(20)))
    codes = [r.status_code for r in responses]
    assert all(c in (200, 429) for c in codes), codes
    assert codes.count(200) >= 2, codes
    for r in responses:
        if r.status_code == 429:
            assert r.headers.get("Retry-After")
        else:
            assert r.json()["text"].strip()

    # The same work order approved at the same moment through both workers: exactly one wins.
    approval = cluster.propose()
    aid = approval["id"]
    barrier = threading.Barrier(2)

    def approve(base: str) -> int:
        barrier.wait()
        return cluster.api(base, "POST", f"/v1/approvals/{aid}/approve", role="admin",
                           json={"comment": "go"}).status_code

    with ThreadPoolExecutor(2) as pool:
        decided = sorted(pool.map(approve, (a, b)))
    assert decided == [200, 409], decided
    orders = [w for w in cluster.api(a, "GET", "/v1/work-orders").json() if w["approval_id"] == aid]
    assert len(orders) == 1
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not any(json.loads(r["body"])["approval_id"] == aid for r in cluster.received):
        time.sleep(0.3)
    time.sleep(2.0)  # a duplicate delivery would arrive within the outbox poll interval
    assert [json.loads(r["body"])["approval_id"] for r in cluster.received].count(aid) == 1
    records = AuditLog(cluster.pg_url, key_file=cluster.tmp / "data" / "secrets.json").records()
    decided_records = [r for r in records if r["kind"] == "approval_decided" and r["payload"]["approval_id"] == aid]
    assert len(decided_records) == 1

    # One model server killed mid-run: later requests are answered by the other.
    cluster.model_procs[0].kill()
    cluster.model_procs[0].wait(timeout=30)
    for base in (a, b):
        r = cluster.api(base, "POST", "/v1/chat", role="operator",
                        json={"message": "Which lubricant does pump P-101 use?", "stream": False})
        assert r.status_code == 200 and r.json()["text"].strip(), r.text

    # A worker killed: the other keeps serving, and a pending approval survives.
    pending = cluster.propose()
    port_a = int(a.rsplit(":", 1)[1])
    os.kill(cluster.workers[port_a].pid, signal.SIGKILL)  # `nice` exec's the server: this is the server
    cluster.workers[port_a].wait(timeout=30)
    listed = [p["id"] for p in cluster.api(b, "GET", "/v1/approvals?status=pending").json()]
    assert pending["id"] in listed
    r = cluster.api(b, "POST", "/v1/chat", role="operator", json={"message": "How do I isolate pump P-101?",
                                                                  "stream": False})
    assert r.status_code == 200 and r.json()["text"].strip()
    assert cluster.api(b, "POST", f"/v1/approvals/{pending['id']}/approve", role="admin").status_code == 200

    # An ingest started through one worker is searchable from another without a restart.
    doc = b"# Gearbox G-42\n\nThe gearbox G-42 zorbulator seal is replaced every 4000 hours with kit ZX-9.\n"
    up = cluster.api(c, "POST", "/v1/documents", role="admin", files={"file": ("gearbox_g42.md", doc, "text/markdown")})
    assert up.status_code == 201, up.text
    hits = cluster.api(b, "POST", "/v1/search", role="operator", json={"query": "zorbulator seal kit", "k": 3}).json()
    assert any("zorbulator" in h["chunk"]["text"] for h in hits), hits

    # The audit chain written by three workers and the CLI is one valid chain.
    verify = cluster.cli("audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "audit log OK" in verify.stdout
