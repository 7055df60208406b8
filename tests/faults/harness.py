"""A plant on disk shared by real processes: a `copilot serve` subprocess and `copilot approvals` CLI
runs on the same data dir, a webhook receiver, and helpers to kill -9 and restart the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from copilot.config import Settings, load_settings
from copilot.testing.procs import child_env, free_port, serve_cmd, start, wait_http
from tests.api.conftest import write_corpus

MAINT_Q = "Pump P-777 is leaking at the seal; create a work order to replace the seal, please."
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Plant:
    root: Path
    hook_url: str
    keys: dict[str, str] = field(default_factory=dict)
    server: subprocess.Popen | None = None
    port: int = 0
    log_path: Path | None = None

    @property
    def data(self) -> Path:
        return self.root / "data"

    def sets(self) -> list[str]:
        pairs = {"data_dir": self.data, "agents.cmms_webhook_url": self.hook_url, "agents.webhook_timeout_s": 2,
                 "agents.webhook_backoff_s": 0.2, "agents.webhook_max_attempts": 20}
        return [arg for k, v in pairs.items() for arg in ("--set", f"{k}={v}")]

    def settings(self) -> Settings:
        return load_settings(profile="test", overrides={
            "data_dir": str(self.data), "knowledge_paths": [str(self.root / "knowledge")],
            "agents": {"cmms_webhook_url": self.hook_url, "webhook_timeout_s": 2, "webhook_backoff_s": 0.2,
                       "webhook_max_attempts": 20}})

    # -- processes ------------------------------------------------------------------------
    def cli(self, *args: str, fault: str | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
        env = child_env(**({"COPILOT_FAULT_POINT": fault} if fault else {}))
        return subprocess.run([sys.executable, "-m", "copilot.cli", *args, "--profile", "test", *self.sets()],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)

    def start(self, fault: str | None = None) -> None:
        """Start `copilot serve` (API only) and wait until it is ready."""
        self.port = free_port()
        self.log_path = self.root / f"server-{self.port}.log"
        self.server = start(serve_cmd("--no-ui", "--skip-index", "--port", str(self.port), *self.sets()),
                            log=self.log_path, cwd=ROOT, nice=False,
                            env=child_env(**({"COPILOT_FAULT_POINT": fault} if fault else {})))
        # Upper bounds only: on the loaded 2-core VM (load 12-14, tests at nice 19) uvicorn was up but /readyz
        # was still not 200 after 300 s, and a CLI run needs minutes just to import.
        wait_http(f"{self.url}/readyz", self.server, what="copilot serve", log=self.log_path, timeout=900)

    def kill9(self) -> None:
        if self.server and self.server.poll() is None:
            os.kill(self.server.pid, signal.SIGKILL)
            self.server.wait(timeout=30)

    def wait_dead(self, timeout: float = 120) -> int:
        assert self.server is not None
        return self.server.wait(timeout=timeout)

    def stop(self) -> None:
        if self.server and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill9()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def h(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[role]}"}

    def api(self, method: str, path: str, role: str = "admin", **kw: Any) -> httpx.Response:
        return httpx.request(method, f"{self.url}{path}", headers=self.h(role), timeout=300, **kw)

    # -- data -----------------------------------------------------------------------------
    def propose(self) -> dict:
        """Ask for a work order in-process (fake model), as the operator; return the pending approval."""
        return propose_work_order(self.settings())

    def wait_for(self, check, timeout: float = 180.0, what: str = "condition") -> Any:
        """Poll ``check`` until it returns something truthy (an upper bound: it returns at once when it does)."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = check()
            if last:
                return last
            time.sleep(0.3)
        raise AssertionError(f"timed out waiting for {what}; last={last!r}; server log:\n"
                             f"{self.log_path.read_text()[-3000:] if self.log_path else ''}")


def propose_work_order(settings: Settings) -> dict:
    """Ask for a work order in-process, as the operator, on ``settings``' stores; return the pending approval."""
    from copilot.graph.service import CopilotService

    svc = CopilotService(settings)
    try:
        answer = svc.ask(MAINT_Q, agent="maintenance", user="operator")
    finally:
        svc.close()
    assert answer.approval is not None and answer.approval.status == "pending"
    return answer.approval.model_dump()


def make_plant(root: Path, hook_url: str) -> Plant:
    """Ingest the tiny corpus and create users (keys) on a fresh data dir."""
    from copilot.ingest.pipeline import ensure_index
    from copilot.services.auth import AuthStore, keys_path

    write_corpus(root / "knowledge")
    plant = Plant(root, hook_url)
    settings = plant.settings()
    ensure_index(settings, progress=False)
    creds = AuthStore(keys_path(settings)).bootstrap() or {}
    plant.keys = {user: c["api_key"] for user, c in creds.items()}
    return plant
