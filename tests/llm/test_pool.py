"""The pool of OpenAI-compatible servers against stand-in HTTP servers on 127.0.0.1 (real sockets, fixed answers)."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from copilot.config import load_settings
from copilot.llm import build_llm
from copilot.llm.base import LLMError
from copilot.llm.openai_backend import OpenAICompatLLM
from copilot.llm.pool import EndpointPool, PoolSaturated
from copilot.llm.standin_server import Running, StandIn

HELLO = [{"role": "user", "content": "hello"}]


@pytest.fixture
def two():
    servers = [Running(StandIn()), Running(StandIn())]
    yield servers
    for s in servers:
        s.stop()


def dead_url() -> str:
    with socket.socket() as s:  # a port nobody listens on once the socket is closed
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"


def test_single_base_url_is_a_one_element_pool_and_base_urls_win():
    one = build_llm(load_settings(overrides={"llm": {"backend": "openai", "base_url": "http://a:1/v1"}}))
    assert [e.url for e in one.pool.endpoints] == ["http://a:1/v1"]
    many = build_llm(load_settings(overrides={"llm": {"backend": "openai", "base_url": "http://a:1/v1",
                                                      "base_urls": ["http://b:1/v1", "http://c:1/v1/"],
                                                      "max_in_flight_per_endpoint": 3}}))
    assert [e.url for e in many.pool.endpoints] == ["http://b:1/v1", "http://c:1/v1"]
    assert many.pool.capacity == 6
    with pytest.raises(LLMError, match="twice"):
        EndpointPool(["http://b:1/v1", "http://b:1/v1/"])


def test_sequential_requests_alternate_and_send_cache_prompt(two):
    llm = OpenAICompatLLM([s.url for s in two])
    for _ in range(6):
        assert "strainer" in llm.chat(HELLO).text
    assert [s.state.hits for s in two] == [3, 3]
    assert all(b["cache_prompt"] is True for s in two for b in s.state.bodies)
    assert "cache_prompt" not in OpenAICompatLLM(two[0].url, cache_prompt=False)._body(HELLO, None, None, None)


def test_concurrent_requests_use_every_endpoint_and_respect_max_in_flight(two):
    for s in two:
        s.state.delay_s = 1.0
    llm = OpenAICompatLLM([s.url for s in two], max_in_flight=2)
    results: list[str] = []
    start = threading.Barrier(4)

    def ask() -> None:
        start.wait()
        results.append(llm.chat(HELLO).text)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 4  # capacity 2 x 2: nobody refused
    assert sum(s.state.hits for s in two) == 4 and all(s.state.hits >= 1 for s in two)
    assert all(s.state.max_seen_in_flight <= 2 for s in two)  # never more than max_in_flight on one server


def test_dead_endpoint_is_skipped_taken_out_and_retried_later(two):
    clock = [0.0]
    dead = dead_url()
    llm = OpenAICompatLLM([dead, two[0].url], retry_s=10)
    llm.pool._clock = lambda: clock[0]
    assert llm.chat(HELLO).text  # first try went to the dead server, then retried on the live one
    status = {e["url"]: e for e in llm.pool.status()}
    assert status[dead]["healthy"] is False and "Connect" in status[dead]["last_error"]
    for _ in range(3):
        llm.chat(HELLO)
    assert two[0].state.hits == 4 and llm.pool.endpoints[0].failures == 1  # not tried again while out
    clock[0] = 11.0  # backoff over: the next request probes it, fails over again, backoff doubles
    llm.chat(HELLO)
    assert llm.pool.endpoints[0].failures == 2
    assert llm.pool.endpoints[0].down_until == pytest.approx(11.0 + 20)


def test_endpoint_comes_back_after_backoff(two):
    clock = [0.0]
    two[0].state.mode = "error500"
    llm = OpenAICompatLLM([s.url for s in two], retry_s=5)
    llm.pool._clock = lambda: clock[0]
    llm.chat(HELLO)
    llm.chat(HELLO)
    assert two[0].state.hits == 1 and two[1].state.hits == 2
    two[0].state.mode = "ok"
    clock[0] = 6.0
    llm.chat(HELLO)
    llm.chat(HELLO)
    assert two[0].state.hits >= 2 and llm.pool.status()[0]["healthy"] is True


def test_stream_fails_over_before_the_first_token(two):
    two[0].state.mode = "error500"
    llm = OpenAICompatLLM([s.url for s in two])
    assert "".join(llm.stream(HELLO)).strip() == two[1].state.answer
    assert two[0].state.hits == 1 and two[1].state.hits == 1


def test_stream_failing_mid_answer_is_not_retried(two):
    two[0].state.mode = "drop_mid_stream"
    llm = OpenAICompatLLM([s.url for s in two])
    pieces: list[str] = []
    with pytest.raises(LLMError, match="mid-answer"):
        for piece in llm.stream(HELLO):
            pieces.append(piece)
    assert len(pieces) == 2 and two[1].state.hits == 0  # a retry would have repeated the first pieces
    assert llm.pool.status()[0]["healthy"] is False


def test_bad_request_is_raised_at_once_and_the_server_stays_healthy(two):
    two[0].state.mode = "bad400"
    llm = OpenAICompatLLM([s.url for s in two])
    with pytest.raises(LLMError, match="HTTP 400"):
        llm.chat(HELLO)
    assert two[1].state.hits == 0 and llm.pool.status()[0]["healthy"] is True


def test_all_endpoints_failing_gives_one_clear_error(two):
    for s in two:
        s.state.mode = "garbage"
    with pytest.raises(LLMError) as info:
        OpenAICompatLLM([s.url for s in two]).chat(HELLO)
    assert two[0].url in str(info.value) and two[1].url in str(info.value)
    assert not isinstance(info.value, PoolSaturated)


def test_every_server_busy_is_pool_saturated(two):
    for s in two:
        s.state.mode = "busy429"
    with pytest.raises(PoolSaturated):
        OpenAICompatLLM([s.url for s in two]).chat(HELLO)


def test_full_pool_refuses_at_once_with_pool_saturated(two):
    two[0].state.delay_s = 1.0
    llm = OpenAICompatLLM(two[0].url, max_in_flight=1)
    holder = threading.Thread(target=llm.chat, args=(HELLO,))
    holder.start()
    deadline = time.time() + 5
    while llm.pool.endpoints[0].in_flight == 0 and time.time() < deadline:
        time.sleep(0.01)
    assert llm.pool.saturated()
    started = time.perf_counter()
    with pytest.raises(PoolSaturated) as info:
        llm.chat(HELLO)
    assert time.perf_counter() - started < 0.5 and info.value.http_status == 429
    holder.join()
    assert not llm.pool.saturated() and llm.chat(HELLO).text


def test_api_answers_429_with_retry_after_when_every_model_server_is_busy(tmp_path, two):
    from tests.api.conftest import corpus_settings, make_api, real_service

    for s in two:
        s.state.mode = "busy429"
    base = corpus_settings(tmp_path)
    settings = base.model_copy(update={"llm": base.llm.model_copy(update={
        "backend": "openai", "base_urls": [s.url for s in two], "max_in_flight_per_endpoint": 2})})
    api = make_api(settings, real_service(settings))
    assert api.app.state.services.runner._model._value == 4  # the API runs as many turns as the pool takes
    resp = api.client.post("/v1/chat", json={"message": "Pump P-101 cavitates, what do I check?", "stream": False},
                           headers=api.h("viewer"))
    assert resp.status_code == 429, resp.text
    assert int(resp.headers["Retry-After"]) > 0 and "busy" in resp.json()["detail"]
    for s in two:
        s.state.mode = "ok"
    resp = api.client.post("/v1/chat", json={"message": "Pump P-101 cavitates, what do I check?", "stream": False},
                           headers=api.h("viewer"))
    assert resp.status_code == 200, resp.text
    assert sum(s.state.hits for s in two) > 2  # the answer came from the stand-in servers
