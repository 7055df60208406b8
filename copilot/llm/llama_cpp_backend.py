"""In-process llama.cpp backend (the only module that imports ``llama_cpp``)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from copilot.llm.base import ChatResult, LLMError, Message


class LlamaCppLLM:
    """A GGUF model loaded in this process. One generation runs at a time (a lock serialises them)."""

    def __init__(self, model_path: Path, *, n_ctx: int = 4096, n_threads: int = 2, n_batch: int = 512,
                 seed: int = 42, max_tokens: int = 400, temperature: float = 0.1, prompt_cache: bool = True) -> None:
        try:
            import llama_cpp
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise LLMError(
                "llama-cpp-python is not installed; run `make install` (it builds llama.cpp portably)"
            ) from exc
        if not Path(model_path).is_file():
            raise LLMError(f"model file not found: {model_path}; run `copilot models assemble` or set llm.model_path")
        self.name = Path(model_path).stem
        self.model_path = Path(model_path)
        self.max_tokens = max_tokens
        self.temperature = temperature
        self.lock = threading.Lock()
        self._llm = llama_cpp.Llama(
            model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads,
            n_batch=n_batch, seed=seed, verbose=False,
        )
        if prompt_cache:
            # Keeps KV states of earlier prompts in RAM so a shared system-prompt prefix is not re-evaluated.
            self._llm.set_cache(llama_cpp.LlamaRAMCache(capacity_bytes=512 << 20))

    def tokenize(self, text: str) -> list[int]:
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def _kwargs(self, max_tokens: int | None, temperature: float | None, stop: list[str] | None) -> dict[str, Any]:
        return {
            "max_tokens": max_tokens or self.max_tokens,
            "temperature": self.temperature if temperature is None else temperature,
            "stop": stop or None,
        }

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int | None = None, temperature: float | None = None,
             stop: list[str] | None = None) -> ChatResult:
        kwargs = self._kwargs(max_tokens, temperature, stop)
        if json_schema is not None:
            kwargs["response_format"] = {"type": "json_object", "schema": json_schema}
        start = time.perf_counter()
        with self.lock:
            out = self._llm.create_chat_completion(messages=list(messages), **kwargs)  # type: ignore[arg-type]
        total = time.perf_counter() - start
        usage = out.get("usage", {})
        return ChatResult(
            text=out["choices"][0]["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            timings={"total": total},
        )

    def stream(self, messages: list[Message], *, max_tokens: int | None = None,
               temperature: float | None = None, stop: list[str] | None = None,
               cancel: threading.Event | None = None) -> Iterator[str]:
        kwargs = self._kwargs(max_tokens, temperature, stop)
        with self.lock:
            for chunk in self._llm.create_chat_completion(messages=list(messages), stream=True, **kwargs):  # type: ignore[arg-type]
                if cancel is not None and cancel.is_set():
                    break  # leaving the generator stops llama.cpp from decoding further tokens
                piece = chunk["choices"][0]["delta"].get("content")  # type: ignore[index]
                if piece:
                    yield piece
