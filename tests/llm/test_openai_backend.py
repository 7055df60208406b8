"""The OpenAI-compatible backend against a real llama.cpp server started on 127.0.0.1."""

import json
import socket
import subprocess
import sys
import time

import httpx
import pytest

from copilot.config import load_settings
from copilot.llm import build_llm
from copilot.llm.base import LLMError
from copilot.models import BUNDLED, resolve_model_path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def llama_server():
    small = BUNDLED["qwen2.5-coder-0.5b"]
    model = resolve_model_path(load_settings(overrides={"llm": {"model": small.name}}))
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1", "--port", str(port),
         "--n_ctx", "1024", "--n_threads", "2", "--model_alias", "local"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/v1"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if httpx.get(f"{url}/models", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            pytest.fail("llama_cpp.server exited early")
        time.sleep(0.5)
    else:
        proc.kill()
        pytest.fail("llama_cpp.server did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=20)


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
