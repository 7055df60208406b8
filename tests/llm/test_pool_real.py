"""Two real ``llama_cpp.server`` processes with the bundled 0.5B model: one is killed mid-run, the pool carries on."""

from __future__ import annotations

import subprocess
import threading
import time

import pytest

from copilot.config import load_settings
from copilot.llm import build_llm
from copilot.testing.procs import start_llama_server, stop

pytestmark = pytest.mark.real_model


@pytest.fixture
def two_llama_servers():
    servers: list[tuple[subprocess.Popen, str]] = []
    try:
        for _ in range(2):
            url, proc = start_llama_server(n_ctx=1024, n_threads=1, timeout=180)
            servers.append((proc, url))
        yield servers
    finally:
        stop(p for p, _ in servers)


def test_killing_one_llama_server_mid_run_later_requests_succeed_on_the_other(two_llama_servers):
    (victim, victim_url), (_, survivor_url) = two_llama_servers
    llm = build_llm(load_settings(overrides={"llm": {"backend": "openai", "base_urls": [victim_url, survivor_url],
                                                     "max_tokens": 24, "endpoint_retry_s": 60}}))
    ask = [{"role": "user", "content": "Name one cause of pump cavitation in five words."}]
    assert llm.chat(ask, temperature=0).text and llm.chat(ask, temperature=0).text
    assert [e["served"] for e in llm.pool.status()] == [1, 1]  # both servers answered

    # Two answers in flight, one per server; the first server is killed while they generate.
    answers: list[str] = []
    errors: list[Exception] = []

    def one() -> None:
        try:
            answers.append("".join(llm.stream(ask, max_tokens=48)) or "<empty>")
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    deadline = time.time() + 30
    while llm.pool.endpoints[0].in_flight == 0 and time.time() < deadline:
        time.sleep(0.01)
    victim.kill()
    victim.wait(timeout=10)
    for t in threads:
        t.join(timeout=300)
    # The killed server's answer either failed over before its first token or broke mid-answer (then the
    # caller gets a clear LLMError, never a silently truncated answer): every thread ended one way or the other.
    assert len(answers) + len(errors) == 2
    assert all("mid-answer" in str(e) for e in errors), errors

    for _ in range(3):  # later requests: all answered, all by the survivor
        assert llm.chat(ask, temperature=0).text.strip()
    status = {e["url"]: e for e in llm.pool.status()}
    assert status[victim_url]["healthy"] is False
    assert status[survivor_url]["served"] >= 4
