"""The OpenAI-compatible backend against a real llama.cpp server started on 127.0.0.1."""

import json

import pytest

from copilot.config import load_settings
from copilot.llm import build_llm
from copilot.llm.base import LLMError
from copilot.testing.procs import start_llama_server, stop


@pytest.fixture(scope="module")
def llama_server():
    url, proc = start_llama_server(n_ctx=1024, n_threads=2, timeout=120)
    yield url
    stop([proc])


@pytest.mark.real_model
def test_chat_stream_and_schema_over_http(llama_server):
    llm = build_llm(load_settings(overrides={"llm": {"backend": "openai", "base_url": llama_server, "max_tokens": 20}}))
    out = llm.chat([{"role": "user", "content": "Reply with the single word: valve"}], temperature=0)
    assert "valve" in out.text.lower()
    streamed = "".join(llm.stream([{"role": "user", "content": "Say: hello"}], max_tokens=8))
    assert streamed.strip()
    schema = {"type": "object", "properties": {"ok": {"type": "boolean"}}, "required": ["ok"]}
    data = json.loads(llm.chat([{"role": "user", "content": "Is water wet? JSON."}], json_schema=schema).text)
    assert isinstance(data["ok"], bool)


def test_unreachable_server_gives_clear_error():
    llm = build_llm(load_settings(overrides={"llm": {"backend": "openai", "base_url": "http://127.0.0.1:9/v1",
                                                     "request_timeout_s": 2}}))
    with pytest.raises(LLMError, match="127.0.0.1:9"):
        llm.chat([{"role": "user", "content": "hi"}])
