"""A real HTTP webhook receiver for tests: records every request; answers from a script of statuses.

Run in-process (:func:`receiver`) or as its own process (``python -m tests.actions.receiver PORT LOG
[SLEEP_S] [STATUS,...]``) so a test can kill the copilot while a delivery is in flight.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def make_handler(log: list[dict], statuses: list[int], sleep_s: float = 0.0, log_file: Path | None = None):
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                entry = {"headers": {k.lower(): v for k, v in self.headers.items()}, "body": body.decode(),
                         "at": time.time()}
                log.append(entry)
                if log_file:
                    with open(log_file, "a", encoding="utf-8") as fh:
                        fh.write(json.dumps(entry) + "\n")
                status = statuses.pop(0) if statuses else 200
            if sleep_s and len(log) == 1:
                time.sleep(sleep_s)  # only the first delivery is slow (in flight when the test kills)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:  # the sender gave up (timeout) or was killed: expected in these tests
                pass

        def log_message(self, *args) -> None:
            pass

    return Handler


@contextmanager
def receiver(statuses: list[int] | None = None, sleep_s: float = 0.0) -> Iterator[tuple[str, list[dict]]]:
    log: list[dict] = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(log, list(statuses or []), sleep_s))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", log
    finally:
        server.shutdown()
        server.server_close()


if __name__ == "__main__":
    port, log_path = int(sys.argv[1]), Path(sys.argv[2])
    sleep = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    script = [int(s) for s in sys.argv[4].split(",") if s] if len(sys.argv) > 4 else []
    ThreadingHTTPServer(("127.0.0.1", port), make_handler([], script, sleep, log_path)).serve_forever()
