"""Helpers for fault-injection tests: a subprocess killed with SIGKILL at a chosen step of an upload."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from copilot.config import PROJECT_ROOT, Settings, load_settings

# Runs in a child process: pause forever at STEP (writing a marker first) so the parent can kill -9 it.
CHILD = r"""
import sys, time
from pathlib import Path
from copilot.services.uploads import UploadStore
from copilot.config import load_settings
from copilot.ingest import pipeline
from copilot.retrieval import store
from copilot.retrieval.embedder import FakeEmbedder

data_dir, step, name, payload = sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4]).read_bytes()
marker = Path(data_dir) / "child.step"

def pause():
    marker.write_text(step)
    time.sleep(3600)

def wrap(mod, attr, when):
    orig = getattr(mod, attr)
    def hooked(*a, **k):
        if when == "before":
            pause()
        out = orig(*a, **k)
        if when == "after":
            pause()
        return out
    setattr(mod, attr, hooked)

hooks = {"parse": (pipeline, "parse_file", "before"), "before_publish": (store, "publish", "before"),
         "after_publish": (store, "publish", "after"), "tables_staged": (pipeline, "_embed", "before")}
wrap(*hooks[step])
settings = load_settings(profile="test", overrides={"data_dir": data_dir})
UploadStore(settings, embedder=FakeEmbedder(384)).save_and_ingest(name, payload, "admin")
"""


def fault_settings(data_dir: Path) -> Settings:
    return load_settings(profile="test", overrides={"data_dir": str(data_dir)})


def kill_upload_at(data_dir: Path, step: str, name: str, payload: bytes, timeout: float = 120) -> None:
    """Start an upload of ``payload`` as ``name`` in a child process and SIGKILL it at ``step``."""
    blob = data_dir / f"payload-{step}.bin"
    blob.write_bytes(payload)
    marker = data_dir / "child.step"
    marker.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(data_dir), step, name, str(blob)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise AssertionError(f"child never reached {step}: {proc.stderr.read().decode()[-2000:]}")
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    blob.unlink()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
