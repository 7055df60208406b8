"""Build the configured LLM backend (heavy imports happen lazily inside each branch)."""

from __future__ import annotations

from copilot.config import Settings
from copilot.llm.base import LLM


def build_llm(settings: Settings) -> LLM:
    """Return the LLM that ``settings.llm.backend`` selects."""
    cfg = settings.llm
    match cfg.backend:
        case "fake":
            from copilot.llm.fake import FakeLLM

            return FakeLLM()
        case "openai":
            from copilot.llm.openai_backend import OpenAICompatLLM

            return OpenAICompatLLM(cfg.endpoints, api_key=cfg.api_key, model=cfg.remote_model,
                                   max_tokens=cfg.max_tokens, temperature=cfg.temperature,
                                   timeout_s=cfg.request_timeout_s, seed=cfg.seed,
                                   max_in_flight=cfg.max_in_flight_per_endpoint, retry_s=cfg.endpoint_retry_s,
                                   cache_prompt=cfg.cache_prompt)
        case "llama_cpp":
            from copilot.llm.llama_cpp_backend import LlamaCppLLM
            from copilot.models import resolve_model_path

            return LlamaCppLLM(resolve_model_path(settings), n_ctx=cfg.n_ctx, n_threads=cfg.n_threads,
                               n_batch=cfg.n_batch, seed=cfg.seed, max_tokens=cfg.max_tokens,
                               temperature=cfg.temperature, prompt_cache=cfg.prompt_cache)
    raise ValueError(f"llm.backend: unknown backend {cfg.backend!r}")
