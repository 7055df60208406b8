"""Backend for any OpenAI-compatible HTTP server (llama.cpp server, vLLM, Ollama): the scale-out path."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from copilot.llm import usage as token_usage
from copilot.llm.base import ChatResult, LLMError, Message, estimate_tokens


class OpenAICompatLLM:
    """Talks to ``{base_url}/chat/completions`` with plain httpx (no SDK needed)."""

    def __init__(self, base_url: str, *, api_key: str = "not-needed", model: str = "local",
                 max_tokens: int = 400, temperature: float = 0.1, timeout_s: float = 300.0, seed: int = 42) -> None:
        self.name = f"openai:{model}"
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.seed = seed
        self._client = httpx.Client(timeout=timeout_s, headers={"Authorization": f"Bearer {api_key}"})

    def _body(self, messages: list[Message], max_tokens: int | None, temperature: float | None,
              stop: list[str] | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model, "messages": list(messages), "seed": self.seed,
            "max_tokens": max_tokens or self.max_tokens,
            "temperature": self.temperature if temperature is None else temperature,
        }
        if stop:
            body["stop"] = stop
        return body

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int | None = None, temperature: float | None = None,
             stop: list[str] | None = None) -> ChatResult:
        body = self._body(messages, max_tokens, temperature, stop)
        if json_schema is not None:
            # llama.cpp's server takes {"type":"json_object","schema":...}; vLLM/OpenAI take json_schema.
            body["response_format"] = {"type": "json_object", "schema": json_schema}
        start = time.perf_counter()
        try:
            resp = self._client.post(f"{self.base_url}/chat/completions", json=body)
            resp.raise_for_status()
        except httpx.HTTPError as exc:
            raise LLMError(f"OpenAI-compatible server at {self.base_url} failed: {exc}") from exc
        data = resp.json()
        usage = data.get("usage") or {}
        token_usage.add(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))
        return ChatResult(
            text=data["choices"][0]["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            timings={"total": time.perf_counter() - start},
        )

    def stream(self, messages: list[Message], *, max_tokens: int | None = None,
               temperature: float | None = None, stop: list[str] | None = None,
               cancel: threading.Event | None = None) -> Iterator[str]:
        body = self._body(messages, max_tokens, temperature, stop) | {"stream": True}
        text: list[str] = []
        try:
            with self._client.stream("POST", f"{self.base_url}/chat/completions", json=body) as resp:
                resp.raise_for_status()
                for line in resp.iter_lines():
                    if cancel is not None and cancel.is_set():
                        return
                    if not line.startswith("data:"):
                        continue
                    payload = line[5:].strip()
                    if payload == "[DONE]":
                        return
                    delta = json.loads(payload)["choices"][0].get("delta", {})
                    if delta.get("content"):
                        text.append(delta["content"])
                        yield delta["content"]
        except httpx.HTTPError as exc:
            raise LLMError(f"OpenAI-compatible server at {self.base_url} failed: {exc}") from exc
        finally:  # streamed replies carry no usage from every server: estimated from the text
            token_usage.add(sum(estimate_tokens(m["content"]) for m in messages),
                            estimate_tokens("".join(text)) if text else 0)
