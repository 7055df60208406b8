"""The OpenAI-compatible API through the official ``openai`` client against a live server: usage,
the include_usage chunk, OpenAI error bodies (also inside a stream), only OpenAI fields, agent models,
thread continuation, and no approval request unless the caller asks for actions."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from copilot.graph.contract import Event
from tests.api.conftest import corpus_settings, real_service
from tests.api.live import live_server
from tests.api.stub import StubCopilot
from tests.api.test_chat_routes import MAINT_Q

# Every top-level field OpenAI's chat completion objects define.
COMPLETION_FIELDS = {"id", "object", "created", "model", "choices", "usage", "system_fingerprint", "service_tier"}
CHUNK_FIELDS = COMPLETION_FIELDS


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Any, str, str, Any]]:
    """(openai client for the viewer, base url, viewer key, the real CopilotService) on a live server."""
    from openai import OpenAI

    from copilot.server import create_app

    settings = corpus_settings(tmp_path)
    service = real_service(settings)
    app = create_app(settings, copilot=service, ui=False)
    key = app.state.initial_credentials["viewer"]["api_key"]
    with live_server(app) as base:
        yield OpenAI(base_url=f"{base}/v1", api_key=key, max_retries=0), base, key, service
    service.close()


def test_plain_completion_has_usage_only_openai_fields_and_no_approval(served) -> None:
    client, base, key, service = served
    raw = client.chat.completions.with_raw_response.create(
        model="industrial-copilot", messages=[{"role": "user", "content": MAINT_Q}])
    body = json.loads(raw.text)
    assert set(body) <= COMPLETION_FIELDS, f"non-standard fields: {set(body) - COMPLETION_FIELDS}"
    thread_id = raw.headers["x-copilot-thread-id"]
    assert "x-copilot-approval-id" not in raw.headers
    completion = raw.parse()
    assert "Sources:" in completion.choices[0].message.content
    usage = completion.usage
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    # The question asks for a work order, but the caller did not ask for actions: nothing awaits approval.
    assert service.list_approvals("pending") == []
    assert [m["role"] for m in service.history(thread_id)] == ["user", "assistant"]


def test_actions_on_request_raise_an_approval_and_threads_continue(served) -> None:
    client, base, key, service = served
    raw = client.chat.completions.with_raw_response.create(
        model="industrial-copilot-maintenance", messages=[{"role": "user", "content": MAINT_Q}],
        extra_body={"copilot": {"actions": True}})
    approval_id = raw.headers["x-copilot-approval-id"]
    thread_id = raw.headers["x-copilot-thread-id"]
    assert [a.id for a in service.list_approvals("pending")] == [approval_id]
    assert f"Proposed work order {approval_id} awaits approval" in raw.parse().choices[0].message.content
    again = client.chat.completions.with_raw_response.create(
        model="industrial-copilot", messages=[{"role": "user", "content": "And the seal leak?"}],
        extra_body={"copilot": {"thread_id": thread_id}})
    assert again.headers["x-copilot-thread-id"] == thread_id
    assert [m["role"] for m in service.history(thread_id) if m.get("event") != "approval_outcome"] == [
        "user", "assistant", "user", "assistant"]


def test_stream_with_include_usage_ends_with_a_usage_chunk(served) -> None:
    client, base, key, service = served
    chunks = list(client.chat.completions.create(
        model="industrial-copilot", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "user", "content": MAINT_Q}]))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "Sources:" in text and len([c for c in chunks if c.choices]) > 3
    *body, last = chunks
    assert last.choices == [] and last.usage is not None
    assert last.usage.prompt_tokens > 0 and last.usage.completion_tokens > 0
    assert last.usage.total_tokens == last.usage.prompt_tokens + last.usage.completion_tokens
    assert all(c.usage is None for c in body)
    assert body[-1].choices[0].finish_reason == "stop"
    plain = list(client.chat.completions.create(model="industrial-copilot", stream=True,
                                                messages=[{"role": "user", "content": MAINT_Q}]))
    assert all(c.choices for c in plain), "no usage chunk unless asked for"
    # Raw frames carry only OpenAI's fields.
    with httpx.stream("POST", f"{base}/v1/chat/completions", headers={"Authorization": f"Bearer {key}"},
                      json={"messages": [{"role": "user", "content": "What is cavitation?"}], "stream": True},
                      timeout=60) as r:
        frames = [json.loads(ln[5:]) for ln in r.iter_lines() if ln.startswith("data:") and "[DONE]" not in ln]
    assert frames and all(set(f) <= CHUNK_FIELDS for f in frames)


def test_errors_reach_the_sdk_with_their_message(served) -> None:
    import openai

    client, base, key, service = served
    bad_key = openai.OpenAI(base_url=client.base_url, api_key="wrong", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as auth:
        bad_key.chat.completions.create(model="industrial-copilot", messages=[{"role": "user", "content": "hi"}])
    assert auth.value.message == "Error code: 401 - the API key is not valid"  # not a dict dump
    assert auth.value.body == {"message": "the API key is not valid", "type": "authentication_error",
                               "param": None, "code": "unauthorized"}
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert "does not exist" in missing.value.message and missing.value.code == "model_not_found"
    with pytest.raises(openai.UnprocessableEntityError) as empty:
        client.chat.completions.create(model="industrial-copilot", messages=[{"role": "system", "content": "x"}])
    assert "non-empty user message" in empty.value.message
    with pytest.raises(openai.APIStatusError) as long:
        client.chat.completions.create(model="industrial-copilot", messages=[{"role": "user", "content": "x" * 99999}])
    assert long.value.status_code == 413 and "the limit is" in long.value.message
    r = httpx.post(f"{base}/v1/chat/completions", content=b"{oops", timeout=10,
                   headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["error"]["type"] == "invalid_request_error"
    assert "not valid JSON" in r.json()["error"]["message"]
    r = httpx.post(f"{base}/v1/chat/completions", content=b"hi", timeout=10,
                   headers={"Authorization": f"Bearer {key}", "Content-Type": "text/plain"})
    assert r.status_code == 415 and r.json()["error"]["code"] == "unsupported_media_type"
    assert service.list_approvals(None) == []


class _FailingCopilot(StubCopilot):
    def stream(self, message: str, **kwargs: Any) -> Iterator[Event]:
        yield Event(type="route", data={"route": "general", "confidence": 1.0, "method": "stub"})
        yield Event(type="token", data={"text": "partial "})
        yield Event(type="error", data={"message": "the model crashed", "status": 500})


def test_an_error_inside_a_stream_raises_in_the_sdk(tmp_path: Path) -> None:
    import openai

    from copilot.config import load_settings
    from copilot.server import create_app

    settings = load_settings(profile="test", overrides={"data_dir": str(tmp_path / "d")})
    app = create_app(settings, copilot=_FailingCopilot(), ui=False)
    key = app.state.initial_credentials["viewer"]["api_key"]
    with live_server(app) as base:
        client = openai.OpenAI(base_url=f"{base}/v1", api_key=key, max_retries=0)
        seen: list[str] = []
        with pytest.raises(openai.APIError) as failed:
            for chunk in client.chat.completions.create(model="industrial-copilot", stream=True,
                                                        messages=[{"role": "user", "content": "hi"}]):
                seen.append(chunk.choices[0].delta.content or "")
        assert "the model crashed" in failed.value.message
        assert "".join(seen) == "partial "
        models = [m.id for m in client.models.list()]
        assert models == ["industrial-copilot", "industrial-copilot-readiness", "industrial-copilot-governance",
                          "industrial-copilot-maintenance"]
