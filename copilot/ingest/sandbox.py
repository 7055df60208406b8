"""Parse untrusted files in a worker process with wall-clock, CPU and memory limits.

One long-lived worker per (memory limit) is started from a ``forkserver`` (a clean single-threaded
parent, so forking is safe in a threaded server); it sets ``RLIMIT_AS`` once and, per file,
``RLIMIT_CPU`` to the CPU it has used plus the time allowed. A file that needs more memory fails
with MemoryError inside the worker; one that runs past the wall-clock limit gets the worker killed
(SIGKILL) and a fresh one started. Either way the server process never holds the parsed bomb.
Like any forkserver child, the worker imports the main script as ``__mp_main__``: entry points
keep their ``if __name__ == "__main__"`` guard (console scripts, pytest and uvicorn do).
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from copilot.config import IngestSettings
from copilot.ingest.loaders import load_file
from copilot.ingest.models import LoadedDoc, LoadError

_lock = threading.Lock()
_workers: dict[int, _Worker] = {}


def _limits(ingest: IngestSettings) -> dict[str, Any]:
    return {"max_file_mb": ingest.max_file_mb, "max_unzipped_mb": ingest.max_unzipped_mb,
            "max_zip_ratio": ingest.max_zip_ratio}


def _serve(conn: Connection, memory_mb: int) -> None:
    """Worker loop: one (path, limits, cpu seconds) request in, one (ok, doc or error) answer out."""
    mem = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (mem, mem))
    while True:
        try:
            path, limits, cpu_s = conn.recv()
        except EOFError:
            return
        used = resource.getrusage(resource.RUSAGE_SELF)
        soft = int(used.ru_utime + used.ru_stime + cpu_s) + 1
        resource.setrlimit(resource.RLIMIT_CPU, (soft, resource.RLIM_INFINITY))
        try:
            conn.send((True, load_file(Path(path), limits.pop("max_file_mb"), **limits)))
        except MemoryError:
            conn.send((False, f"parsing needs more than the {memory_mb} MB memory limit (ingest.parse_memory_mb)"))
        except LoadError as exc:
            conn.send((False, str(exc)))
        except BaseException as exc:  # noqa: BLE001 - report any parser failure to the parent
            conn.send((False, f"unexpected {type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, memory_mb: int) -> None:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["copilot.ingest.loaders"])
        self.memory_mb = memory_mb
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, memory_mb), daemon=True, name="copilot-parse")
        self.proc.start()
        child.close()

    def run(self, path: Path, ingest: IngestSettings) -> LoadedDoc:
        timeout = ingest.parse_timeout_s
        self.conn.send((str(path), _limits(ingest), timeout))
        if not self.conn.poll(timeout):
            self.kill()
            raise LoadError(f"parsing took longer than {timeout:g} s (ingest.parse_timeout_s); worker stopped")
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise LoadError(f"the parser process died (CPU limit {timeout:g} s or memory limit "
                            f"{self.memory_mb} MB exceeded)") from None
        if not ok:
            raise LoadError(value)
        return value

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()

    def alive(self) -> bool:
        return self.proc.is_alive()


def parse_file(path: Path, ingest: IngestSettings) -> LoadedDoc:
    """Load one file (LoadError on failure), in the limited worker unless ``ingest.parse_in_worker`` is off."""
    limits = _limits(ingest)
    if not ingest.parse_in_worker:
        return load_file(path, limits.pop("max_file_mb"), **limits)
    with _lock:
        worker = _workers.get(ingest.parse_memory_mb)
        if worker is None or not worker.alive():
            worker = _workers[ingest.parse_memory_mb] = _Worker(ingest.parse_memory_mb)
        try:
            return worker.run(path, ingest)
        finally:
            if not worker.alive():
                _workers.pop(ingest.parse_memory_mb, None)


def worker_pid(memory_mb: int) -> int | None:
    """Process id of the running parse worker for ``memory_mb`` (for tests and diagnostics)."""
    worker = _workers.get(memory_mb)
    return worker.proc.pid if worker and worker.alive() else None
