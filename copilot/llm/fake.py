"""A deterministic fake LLM for unit tests and demos (no model weights needed)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

from copilot.llm import usage as token_usage
from copilot.llm.base import ChatResult, Message


def _instance_from_schema(schema: dict[str, Any], defs: dict[str, Any] | None = None) -> Any:
    """Smallest valid instance of a JSON schema: first enum value, defaults, required fields."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return _instance_from_schema(defs[schema["$ref"].split("/")[-1]], defs)
    if "default" in schema:
        return schema["default"]
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return _instance_from_schema(schema[key][0], defs)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _instance_from_schema(props[name], defs) for name in schema.get("required", list(props))}
    if kind == "array":
        n = schema.get("minItems", 0)
        return [_instance_from_schema(schema.get("items", {}), defs) for _ in range(n)]
    if kind == "string":
        return "x" * schema.get("minLength", 0) if schema.get("minLength") else ""
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    return None


class FakeLLM:
    """Deterministic stand-in for a real model.

    * With ``responses``, returns them in order (then repeats the last one): for scripting tests.
    * With a JSON schema, returns the smallest valid instance of it.
    * Otherwise answers by quoting the first sentence of each numbered source in the prompt with
      its marker, so citation plumbing can be tested end to end.
    """

    name = "fake"

    def __init__(self, responses: list[str] | None = None) -> None:
        self.responses = list(responses or [])
        self.calls: list[list[Message]] = []
        self._lock = threading.Lock()

    def _next_scripted(self) -> str | None:
        if not self.responses:
            return None
        return self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]

    def _compose(self, messages: list[Message]) -> str:
        prompt = "\n".join(m["content"] for m in messages)
        sources = re.findall(r"^\[(\d+)\][^\n]*\n(.+?)(?=\n\[\d+\]|\Z)", prompt, flags=re.M | re.S)
        if not sources:
            return "I do not have enough information in the provided sources to answer that."
        parts = []
        for marker, body in sources[:3]:
            sentence = re.split(r"(?<=[.!?])\s", body.strip().replace("\n", " "), maxsplit=1)[0]
            parts.append(f"{sentence[:200]} [{marker}]")
        return "According to the sources: " + " ".join(parts)

    def chat(self, messages: list[Message], *, json_schema: dict[str, Any] | None = None,
             max_tokens: int | None = None, temperature: float | None = None,
             stop: list[str] | None = None) -> ChatResult:
        import json

        with self._lock:
            self.calls.append(list(messages))
            scripted = self._next_scripted()
        if scripted is not None:
            text = scripted
        elif json_schema is not None:
            text = json.dumps(_instance_from_schema(json_schema))
        else:
            text = self._compose(messages)
        prompt_tokens = sum(len(m["content"].split()) for m in messages)
        token_usage.add(prompt_tokens, len(text.split()))  # word counts: the fake has no tokenizer
        return ChatResult(text=text, prompt_tokens=prompt_tokens, completion_tokens=len(text.split()),
                          timings={"first_token": 0.0, "total": 0.0})

    def stream(self, messages: list[Message], *, max_tokens: int | None = None,
               temperature: float | None = None, stop: list[str] | None = None,
               cancel: threading.Event | None = None) -> Iterator[str]:
        text = self.chat(messages).text
        for piece in re.findall(r"\S+\s*", text):
            if cancel is not None and cancel.is_set():
                return
            yield piece
