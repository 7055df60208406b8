"""Start, wait for and stop local server processes on 127.0.0.1: real ``llama_cpp.server`` instances on a
bundled model, ``copilot serve`` workers and any other command that answers HTTP when it is ready.

Shared by tests (tests/postgres, tests/faults, tests/llm) and bench/bench_pool.py. It lives in the package,
not in tests/, because the benches must not import the test suite; it only uses the standard library,
httpx and :mod:`copilot.models`, so it adds no dependency to the product."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import httpx

SMALL_MODEL = "qwen2.5-coder-0.5b"


def free_port() -> int:
    """A TCP port that is free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(log: Path | None, chars: int = 3000) -> str:
    if log is None or not log.is_file():
        return ""
    return "\n" + log.read_text(errors="replace")[-chars:]


def wait_http(url: str, proc: subprocess.Popen, *, what: str = "server", log: Path | None = None,
              timeout: float = 300) -> None:
    """Poll ``url`` until it answers 200; raise RuntimeError (with the log's tail) if ``proc`` exits or
    ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode}{_tail(log)}")
        try:
            # 10 s: a server still importing in a background thread under CPU starvation can take > 2 s to
            # answer even a 503, and a timed-out poll must not count as "not ready" for ever.
            if httpx.get(url, timeout=10).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{what} not ready at {url} after {timeout:.0f} s{_tail(log)}")


def start(cmd: list[str], *, log: Path | None = None, env: Mapping[str, str] | None = None,
          cwd: Path | None = None, nice: bool = True) -> subprocess.Popen:
    """Start ``cmd`` (under ``nice -n 19`` unless ``nice=False``; ``nice`` exec's it, so the pid is the
    command's) with stdin closed and stdout+stderr to ``log`` (or discarded)."""
    out = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115 - the child keeps it
    try:
        return subprocess.Popen(["nice", "-n", "19", *cmd] if nice else cmd, cwd=cwd, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, env=dict(env) if env is not None else None)
    finally:
        if log:
            out.close()  # type: ignore[union-attr]


def stop(procs: Iterable[subprocess.Popen], timeout: float = 20) -> None:
    """SIGTERM every process still running, then SIGKILL those that do not exit within ``timeout``."""
    procs = list(procs)
    for p in procs:
        if p.poll() is None:
            p.terminate()
    for p in procs:
        try:
            p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=timeout)


def bundled_model_path(name: str = SMALL_MODEL) -> Path:
    """The assembled GGUF file of a bundled model (``make install`` assembles them)."""
    from copilot.config import load_settings
    from copilot.models import resolve_model_path

    return resolve_model_path(load_settings(overrides={"llm": {"model": name}}))


def start_llama_server(*, n_ctx: int = 2048, n_threads: int = 1, model: Path | None = None,
                       log: Path | None = None, wait: bool = True, timeout: float = 300,
                       env: Mapping[str, str] | None = None) -> tuple[str, subprocess.Popen]:
    """A real ``llama_cpp.server`` on the bundled 0.5B model (or ``model``): returns (``.../v1`` URL, process).

    ``--interrupt_requests False``: by default llama_cpp.server ends a streamed answer early as soon as
    another request arrives, which a pool must not allow."""
    port = free_port()
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model or bundled_model_path()),
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", str(n_ctx), "--n_threads", str(n_threads),
           "--model_alias", "local", "--interrupt_requests", "False"]
    proc = start(cmd, log=log, env=env)
    url = f"http://127.0.0.1:{port}/v1"
    if wait:
        try:
            wait_http(f"{url}/models", proc, what="llama_cpp.server", log=log, timeout=timeout)
        except RuntimeError:
            stop([proc])
            raise
    return url, proc


def serve_cmd(*args: str, profile: str = "test") -> list[str]:
    """The command line of ``copilot serve`` with this interpreter (``args`` after ``serve --profile``)."""
    return [sys.executable, "-m", "copilot.cli", "serve", "--profile", profile, *args]


def child_env(**extra: str) -> dict[str, str]:
    """This process's environment for a child server: offline model hubs, no fault point inherited."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", **extra}
    if "COPILOT_FAULT_POINT" not in extra:
        env.pop("COPILOT_FAULT_POINT", None)
    return env
