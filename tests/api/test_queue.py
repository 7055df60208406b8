"""One model, many users: bounded queue (429), deadline (503), one generation at a time, cancellation."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from copilot.config import load_settings
from tests.api.conftest import make_api
from tests.api.stub import StubCopilot


def _api(tmp_path: Path, stub: StubCopilot, **server):
    settings = load_settings(profile="test", overrides={"data_dir": str(tmp_path / "d"), "server": server})
    return make_api(settings, stub)


def test_full_queue_answers_429_with_retry_after(tmp_path: Path) -> None:
    stub = StubCopilot(delay=0.05, tokens=6)
    api = _api(tmp_path, stub, queue_size=2)

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=api.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            calls = [client.post("/v1/chat", json={"message": f"q{i}", "stream": False}, headers=api.h("viewer"))
                     for i in range(6)]
            return await asyncio.gather(*calls)

    responses = asyncio.run(run())
    codes = sorted(r.status_code for r in responses)
    assert set(codes) == {200, 429}, codes
    assert codes.count(200) >= 2 and codes.count(429) >= 1
    busy = next(r for r in responses if r.status_code == 429)
    assert busy.headers["retry-after"] and busy.json()["error"] == "busy"
    assert stub.max_running == 1, "generations never overlap"
    assert api.app.state.services.runner.waiting == 0
    metrics = api.client.get("/metrics").text
    assert 'copilot_generation_rejected_total{reason="queue_full"}' in metrics


def test_slow_answer_times_out_with_503_and_is_cancelled(tmp_path: Path) -> None:
    stub = StubCopilot(delay=0.2, tokens=50)
    api = _api(tmp_path, stub, request_timeout_s=0.5)
    r = api.client.post("/v1/chat", json={"message": "slow", "stream": False}, headers=api.h("viewer"))
    assert r.status_code == 503 and r.json()["error"] == "timeout" and "0.5" in r.json()["detail"]
    assert r.headers["retry-after"]
    assert stub.cancelled.wait(5), "the graph was told to stop"
    s = api.client.post("/v1/chat", json={"message": "slow", "stream": True}, headers=api.h("viewer"))
    assert "event: error" in s.text and "503" in s.text



def test_queue_position_for_progress_messages(tmp_path: Path) -> None:
    """runner.ahead() is what the UI shows as "Waiting in the queue: N requests ahead"."""
    stub = StubCopilot(delay=0.05, tokens=20)
    runner = _api(tmp_path, stub, queue_size=5).app.state.services.runner

    async def run() -> list[int]:
        seen = [runner.ahead()]
        first = runner.admit()
        seen.append(runner.ahead())  # admitted, nothing generating yet: nobody ahead of it
        consume = asyncio.ensure_future(_drain(runner.events(first, "one")))
        while runner.active == 0:
            await asyncio.sleep(0.01)
        second = runner.admit()
        seen.append(runner.ahead())  # one generating
        third = runner.admit()
        seen.append(runner.ahead())  # one generating, one waiting before it
        await consume
        for ticket in (second, third):
            await _drain(runner.events(ticket, "next"))
        seen.append(runner.ahead())
        return seen

    assert asyncio.run(run()) == [0, 0, 1, 2, 0]


async def _drain(events) -> None:
    async for _ in events:
        pass
