"""LLM layer: one small protocol, three backends (llama.cpp in-process, OpenAI-compatible HTTP, fake)."""

from copilot.llm.base import LLM, ChatResult, Message, estimate_tokens
from copilot.llm.factory import build_llm

__all__ = ["LLM", "ChatResult", "Message", "build_llm", "estimate_tokens"]
