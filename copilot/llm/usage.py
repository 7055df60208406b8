"""Token usage of one request, summed over every model call it makes (router, plans, the answer).

A caller opens :func:`meter` around a request; backends report each call with :func:`add`. The meter is
a mutable dict in a ``ContextVar``, so calls made from threads that copy the caller's context (LangGraph
runs nodes that way) add to the same request; a call outside any meter is not counted.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_current: ContextVar[dict[str, int] | None] = ContextVar("copilot_llm_usage", default=None)


@contextmanager
def meter() -> Iterator[dict[str, int]]:
    """Count the tokens of the model calls made inside the block: ``{"prompt_tokens", "completion_tokens", "calls"}``."""
    usage = {"prompt_tokens": 0, "completion_tokens": 0, "calls": 0}
    token = _current.set(usage)
    try:
        yield usage
    finally:
        try:
            _current.reset(token)
        except ValueError:  # closed from another context (a generator finalised elsewhere): nothing to undo
            pass


def add(prompt_tokens: int, completion_tokens: int) -> None:
    """Report one model call to the open meter (no-op without one)."""
    usage = _current.get()
    if usage is not None:
        usage["prompt_tokens"] += int(prompt_tokens)
        usage["completion_tokens"] += int(completion_tokens)
        usage["calls"] += 1
