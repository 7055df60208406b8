"""Backend for OpenAI-compatible HTTP servers (llama.cpp server, vLLM, Ollama): the scale-out path.

One URL or a pool of them (:mod:`copilot.llm.pool`): every call goes to the least busy healthy server, and a
call that fails before its first token (refused, reset, 5xx, timeout, 429) is retried on another server.
Errors the request itself causes (400, 404, 422) are raised at once: another server would refuse it too.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx

from copilot.llm import usage as token_usage
from copilot.llm.base import ChatResult, LLMError, Message, estimate_tokens
from copilot.llm.pool import Endpoint, EndpointPool, PoolSaturated


class _RequestRefused(LLMError):
    """The server refused the request itself (4xx other than 408/429): not a reason to try another server."""


def _check(resp: httpx.Response, url: str) -> None:
    if resp.status_code < 400:
        return
    detail = resp.read().decode("utf-8", "replace")[:300] if not resp.is_closed else ""
    if resp.status_code in (408, 429) or resp.status_code >= 500:
        raise httpx.HTTPStatusError(f"HTTP {resp.status_code}: {detail}", request=resp.request, response=resp)
    raise _RequestRefused(f"OpenAI-compatible server at {url} refused the request: HTTP {resp.status_code} {detail}")


class OpenAICompatLLM:
    """Talks to ``{base_url}/chat/completions`` of one server or a pool, with plain httpx (no SDK needed)."""

    def __init__(self, base_url: str | list[str], *, api_key: str = "not-needed", model: str = "local",
                 max_tokens: int = 400, temperature: float = 0.1, timeout_s: float = 300.0, seed: int = 42,
                 max_in_flight: int = 1, retry_s: float = 5.0, cache_prompt: bool = True,
                 connect_timeout_s: float = 5.0) -> None:
        urls = [base_url] if isinstance(base_url, str) else list(base_url)
        self.pool = EndpointPool(urls, max_in_flight=max_in_flight, retry_s=retry_s)
        self.name = f"openai:{model}"
        self.base_url = self.pool.endpoints[0].url  # the first server (kept for messages and old callers)
        self.model = model
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.seed = seed
        # llama.cpp's server reuses the KV cache of the longest matching prefix only with cache_prompt; vLLM
        # (--enable-prefix-caching) and Ollama cache prefixes without a request field and ignore this one.
        self.cache_prompt = cache_prompt
        self._client = httpx.Client(timeout=httpx.Timeout(timeout_s, connect=min(connect_timeout_s, timeout_s)),
                                    headers={"Authorization": f"Bearer {api_key}"},
                                    limits=httpx.Limits(max_connections=max(10, 2 * self.pool.capacity)))

    def _body(self, messages: list[Message], max_tokens: int | None, temperature: float | None,
              stop: list[str] | None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model, "messages": list(messages), "seed": self.seed,
            "max_tokens": max_tokens or self.max_tokens,
            "temperature": self.temperature if temperature is None else temperature,
        }
        if self.cache_prompt:
            body["cache_prompt"] = True
        if stop:
            body["stop"] = stop
        return body

    def _attempts(self) -> Iterator[Endpoint]:
        """Endpoints to try in turn, each reserved; the caller releases it. Ends when none is left."""
        tried: set[str] = set()
        while len(tried) < len(self.pool.endpoints):
            endpoint = self.pool.acquire(exclude=tried, retry=bool(tried))
            tried.add(endpoint.url)
            yield endpoint

    def _fail(self, endpoint: Endpoint, exc: Exception, errors: list[str]) -> None:
        message = f"{endpoint.url}: {type(exc).__name__}: {exc}"
        errors.append(message)
        self.pool.release(endpoint, ok=False, error=message)

    def _give_up(self, errors: list[str]) -> LLMError:
        if errors and all("HTTP 429" in e for e in errors):
            return PoolSaturated("every model server answered busy (HTTP 429)")
        return LLMError("OpenAI-compatible server(s) failed: " + " | ".join(errors))

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int | None = None, temperature: float | None = None,
             stop: list[str] | None = None) -> ChatResult:
        body = self._body(messages, max_tokens, temperature, stop)
        if json_schema is not None:
            # llama.cpp's server takes {"type":"json_object","schema":...}; vLLM/OpenAI take json_schema.
            body["response_format"] = {"type": "json_object", "schema": json_schema}
        start = time.perf_counter()
        errors: list[str] = []
        for endpoint in self._attempts():
            try:
                resp = self._client.post(f"{endpoint.url}/chat/completions", json=body)
                _check(resp, endpoint.url)
                data = resp.json()
                text = data["choices"][0]["message"].get("content") or ""
            except _RequestRefused:
                self.pool.release(endpoint, ok=True)
                raise
            except (httpx.HTTPError, ValueError, KeyError, IndexError) as exc:
                self._fail(endpoint, exc, errors)
                continue
            self.pool.release(endpoint, ok=True)
            usage = data.get("usage") or {}
            token_usage.add(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))
            return ChatResult(text=text, prompt_tokens=int(usage.get("prompt_tokens", 0)),
                              completion_tokens=int(usage.get("completion_tokens", 0)),
                              timings={"total": time.perf_counter() - start, "attempts": float(len(errors) + 1)})
        raise self._give_up(errors)

    def stream(self, messages: list[Message], *, max_tokens: int | None = None,
               temperature: float | None = None, stop: list[str] | None = None,
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield answer pieces; a server failing before the first piece is replaced by another one."""
        body = self._body(messages, max_tokens, temperature, stop) | {"stream": True}
        text: list[str] = []
        errors: list[str] = []
        try:
            for endpoint in self._attempts():
                error = ""
                try:
                    yield from self._stream_one(endpoint, body, text, cancel)
                    return
                except (httpx.HTTPError, ValueError, KeyError, IndexError) as exc:
                    error = f"{endpoint.url}: {type(exc).__name__}: {exc}"
                    if text:  # pieces already reached the caller: a retry would repeat them
                        raise LLMError(f"OpenAI-compatible server failed mid-answer: {error}") from exc
                    errors.append(error)
                finally:  # also when the caller closes the stream early, or the request is refused
                    self.pool.release(endpoint, ok=not error, error=error)
            raise self._give_up(errors)
        finally:  # streamed replies carry no usage from every server: estimated from the text
            token_usage.add(sum(estimate_tokens(m["content"]) for m in messages),
                            estimate_tokens("".join(text)) if text else 0)

    def _stream_one(self, endpoint: Endpoint, body: dict[str, Any], text: list[str],
                    cancel: threading.Event | None) -> Iterator[str]:
        with self._client.stream("POST", f"{endpoint.url}/chat/completions", json=body) as resp:
            _check(resp, endpoint.url)
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
        if not text:  # the connection closed without [DONE] and without a piece: try elsewhere
            raise httpx.RemoteProtocolError("the stream ended before [DONE]")
