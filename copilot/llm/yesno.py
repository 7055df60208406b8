"""A schema-constrained yes/no from the model: ``{"<field>": true|false}``, None when it cannot tell."""

from __future__ import annotations

import json
from typing import Any

from copilot.llm.base import LLM, LLMError, Message


def bool_schema(field: str) -> dict[str, Any]:
    """The JSON schema of ``{"<field>": true|false}``."""
    return {"type": "object", "properties": {field: {"type": "boolean"}}, "required": [field]}


def yes_no(llm: LLM, messages: list[Message], field: str, max_tokens: int = 12) -> bool | None:
    """The model's boolean ``field`` for ``messages`` (greedy, schema-constrained); None if the call or JSON fails."""
    try:
        result = llm.chat(messages, json_schema=bool_schema(field), max_tokens=max_tokens, temperature=0.0)
        value = json.loads(result.text).get(field)
    except (LLMError, json.JSONDecodeError, AttributeError, TypeError):
        return None
    return value if isinstance(value, bool) else None
