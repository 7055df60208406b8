"""The LLM protocol every backend implements."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict, runtime_checkable


class Message(TypedDict):
    role: str  # "system" | "user" | "assistant"
    content: str


@dataclass
class ChatResult:
    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds: "first_token", "total"


class LLMError(RuntimeError):
    """A backend failed to produce an answer (server down, model missing, bad output)."""


@runtime_checkable
class LLM(Protocol):
    """Chat with optional JSON-schema-constrained output, and token streaming."""

    name: str

    def chat(
        self,
        messages: list[Message],
        *,
        json_schema: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        temperature: float | None = None,
        stop: list[str] | None = None,
    ) -> ChatResult: ...

    def stream(
        self,
        messages: list[Message],
        *,
        max_tokens: int | None = None,
        temperature: float | None = None,
        stop: list[str] | None = None,
        cancel: threading.Event | None = None,
    ) -> Iterator[str]: ...


def estimate_tokens(text: str) -> int:
    """Cheap token estimate (about 4 characters per token for English technical text)."""
    return max(1, (len(text) + 3) // 4)
