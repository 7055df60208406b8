"""In-process llama.cpp backend (the only module that imports ``llama_cpp``)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from copilot.llm import usage as token_usage
from copilot.llm.base import ChatResult, LLMError, Message

T = TypeVar("T")
_END = object()


class LlamaCppLLM:
    """A GGUF model loaded in this process.

    Every llama.cpp call (load, prompt evaluation, decoding) runs on one dedicated thread, so calls are
    serialised and always use the same OpenMP thread team. Measured on 2 cores: decoding from a thread
    other than the one that first ran llama.cpp was 25-40% slower (6.9 s against 5.4 s for 120 tokens),
    and the API and graph call the model from changing worker threads."""

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
        # With prompt_cache, llama.cpp keeps the KV state of the last prompt and evaluates a new prompt only
        # from its first differing token, so the system message every call shares is evaluated once.
        # (llama-cpp-python's LlamaRAMCache is not used: each entry also copies ~300 MB of logits that its
        # capacity does not count; measured +330 MB RSS and +1 s per request.) Without it, every call
        # starts cold, which benchmarks use to compare like with like.
        self.prompt_cache = prompt_cache
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama-cpp")
        self._llm = self._on_worker(lambda: llama_cpp.Llama(
            model_path=str(model_path), n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads,
            n_batch=n_batch, seed=seed, verbose=False,
        ))

    def _on_worker(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` on the llama.cpp thread and wait for its result (exceptions are re-raised here)."""
        return self._worker.submit(fn).result()

    def warm(self, messages: list[Message]) -> float:
        """Evaluate ``messages`` once so later prompts that start with them reuse the KV state; returns seconds.

        llama.cpp keeps the KV cache of the last prompt and re-evaluates only from the first differing
        token, so a system message shared by every call is paid for once, not per request."""
        start = time.perf_counter()
        self._on_worker(lambda: self._llm.create_chat_completion(
            messages=list(messages), max_tokens=1, temperature=0.0))  # type: ignore[arg-type]
        return time.perf_counter() - start

    def reset(self) -> None:
        """Forget the KV cache (the next prompt is evaluated from its first token)."""
        self._on_worker(self._llm.reset)

    def _prompt_evaluated(self) -> int:
        """Prompt tokens llama.cpp has evaluated in this context so far (cached prefix tokens are not)."""
        import llama_cpp

        return int(llama_cpp.llama_perf_context(self._llm._ctx.ctx).n_p_eval)

    def _maybe_reset(self) -> None:
        if not self.prompt_cache:
            self._llm.reset()

    def tokenize(self, text: str) -> list[int]:
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=True))

    def yes_probabilities(self, prefix: str, suffixes: list[str]) -> list[float]:
        """For each suffix, P(the next token after ``prefix + suffix`` is "yes" rather than "no").

        One forward pass per suffix and no decoding: the prefix is evaluated once (kept if the context
        already starts with it) and each suffix is evaluated after it, the KV cache being cut back to the
        prefix in between. Used by the rerank stage (copilot.llm.relevance); it replaces the cached chat
        prefix, so the next chat call re-evaluates its system message."""
        import math

        import numpy as np

        def logsumexp(values: np.ndarray) -> float:
            top = float(values.max())
            return top + math.log(float(np.exp(values - top).sum()))

        def run() -> list[float]:
            llm = self._llm
            head = list(llm.tokenize(prefix.encode("utf-8"), add_bos=True, special=True))
            ids = {w: [t[0] for v in variants if (t := llm.tokenize(v.encode(), add_bos=False, special=False))]
                   for w, variants in (("yes", ("yes", "Yes", " yes", " Yes")), ("no", ("no", "No", " no", " No")))}
            if llm.n_tokens < len(head) or list(llm.input_ids[:len(head)]) != head:
                llm.reset()
                llm.eval(head)
            out = []
            for suffix in suffixes:
                llm.n_tokens = len(head)  # eval() drops the KV cache past this point first
                llm.eval(list(llm.tokenize(suffix.encode("utf-8"), add_bos=False, special=True)))
                logits = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(llm.n_vocab(),))
                diff = logsumexp(logits[ids["no"]]) - logsumexp(logits[ids["yes"]])
                out.append(1.0 / (1.0 + math.exp(min(50.0, diff))))
            return out

        return self._on_worker(run)

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

        def run() -> tuple[dict[str, Any], int]:
            self._maybe_reset()
            before = self._prompt_evaluated()
            out = self._llm.create_chat_completion(messages=list(messages), **kwargs)  # type: ignore[arg-type]
            return out, self._prompt_evaluated() - before  # type: ignore[return-value]

        start = time.perf_counter()
        out, evaluated = self._on_worker(run)
        total = time.perf_counter() - start
        usage = out.get("usage", {})
        token_usage.add(usage.get("prompt_tokens", 0), usage.get("completion_tokens", 0))
        return ChatResult(
            text=out["choices"][0]["message"].get("content") or "",
            prompt_tokens=int(usage.get("prompt_tokens", 0)),
            completion_tokens=int(usage.get("completion_tokens", 0)),
            timings={"total": total, "prompt_evaluated": float(evaluated)},
        )

    def stream(self, messages: list[Message], *, max_tokens: int | None = None,
               temperature: float | None = None, stop: list[str] | None = None,
               cancel: threading.Event | None = None) -> Iterator[str]:
        """Yield answer pieces as the llama.cpp thread decodes them; closing the iterator or setting
        ``cancel`` stops decoding after the current token."""
        kwargs = self._kwargs(max_tokens, temperature, stop)
        pieces: queue.Queue[Any] = queue.Queue()
        stopped = threading.Event()

        counts = {"prompt": 0}
        text: list[str] = []

        def produce() -> None:
            try:
                self._maybe_reset()
                for chunk in self._llm.create_chat_completion(messages=list(messages), stream=True, **kwargs):  # type: ignore[arg-type]
                    if not counts["prompt"]:  # the prompt is evaluated, no answer token yet: its length
                        counts["prompt"] = int(self._llm.n_tokens)
                    if stopped.is_set() or (cancel is not None and cancel.is_set()):
                        break  # leaving the generator stops llama.cpp from decoding further tokens
                    piece = chunk["choices"][0]["delta"].get("content")  # type: ignore[index]
                    if piece:
                        text.append(piece)
                        pieces.put(piece)
            except Exception as exc:  # noqa: BLE001 - handed to the consumer and raised there
                pieces.put(exc)
            finally:
                pieces.put(_END)

        self._worker.submit(produce)
        try:
            while (item := pieces.get()) is not _END:
                if isinstance(item, Exception):
                    raise item
                yield item
        finally:
            stopped.set()
            answer = "".join(text)
            token_usage.add(counts["prompt"], len(self.tokenize(answer)) if answer else 0)
