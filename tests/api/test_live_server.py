"""Against a live uvicorn server: the OpenAI Python SDK streams a chat; a client that leaves cancels its answer."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from copilot.config import load_settings
from tests.api.conftest import corpus_settings, real_service
from tests.api.live import live_server
from tests.api.stub import StubCopilot
from tests.api.test_chat_routes import MAINT_Q


def test_openai_sdk_streams_a_chat(tmp_path: Path) -> None:
    from openai import OpenAI

    from copilot.server import create_app

    settings = corpus_settings(tmp_path)
    app = create_app(settings, copilot=real_service(settings), ui=False)
    key = app.state.initial_credentials["viewer"]["api_key"]
    with live_server(app) as base:
        client = OpenAI(base_url=f"{base}/v1", api_key=key, max_retries=0)
        assert [m.id for m in client.models.list()][0] == "industrial-copilot"
        stream = client.chat.completions.create(model="industrial-copilot", stream=True,
                                                messages=[{"role": "user", "content": MAINT_Q}])
        pieces = [c.choices[0].delta.content or "" for c in stream if c.choices]
        text = "".join(pieces)
        assert len([p for p in pieces if p]) > 2, "the answer arrives in several chunks"
        assert "Sources:" in text and "P-101" in text
        plain = client.chat.completions.create(model="industrial-copilot",
                                               messages=[{"role": "user", "content": MAINT_Q}])
        assert "Sources:" in plain.choices[0].message.content
        bad = OpenAI(base_url=f"{base}/v1", api_key="wrong", max_retries=0)
        try:
            bad.models.list()
            raise AssertionError("a wrong key must be refused")
        except Exception as exc:  # openai.AuthenticationError
            assert getattr(exc, "status_code", None) == 401


def test_client_disconnect_cancels_generation(tmp_path: Path) -> None:
    from copilot.server import create_app

    stub = StubCopilot(delay=0.1, tokens=200)
    settings = load_settings(profile="test", overrides={"data_dir": str(tmp_path / "d")})
    app = create_app(settings, copilot=stub, ui=False)
    key = app.state.initial_credentials["viewer"]["api_key"]
    with live_server(app) as base:
        with httpx.Client(base_url=base, timeout=10) as client:
            with client.stream("POST", "/v1/chat", json={"message": "long", "stream": True},
                               headers={"X-API-Key": key}) as r:
                for line in r.iter_lines():
                    if line.startswith("event: token"):
                        break  # leave after the first token
        assert stub.cancelled.wait(10), "the generation stopped after the client left"
        deadline = time.monotonic() + 5
        while stub.running and time.monotonic() < deadline:
            time.sleep(0.05)
        assert stub.running == 0
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
