"""The real bundled model and embedder through the LLM and embedding layers (short runs)."""

import json

import numpy as np
import pytest


@pytest.mark.real_model
def test_short_generation(real_llm):
    out = real_llm.chat([{"role": "user", "content": "Reply with the single word: pump"}], max_tokens=8, temperature=0)
    assert "pump" in out.text.lower()
    assert out.completion_tokens > 0 and out.prompt_tokens > 0


@pytest.mark.real_model
def test_json_schema_constrained_output(real_llm):
    schema = {"type": "object",
              "properties": {"route": {"type": "string", "enum": ["maintenance", "governance", "readiness"]},
                             "priority": {"type": "integer", "minimum": 1, "maximum": 5}},
              "required": ["route", "priority"]}
    out = real_llm.chat([{"role": "user", "content": "Pump P-101 vibrates badly. Give route and priority as JSON."}],
                        json_schema=schema, max_tokens=40, temperature=0)
    data = json.loads(out.text)
    assert data["route"] in {"maintenance", "governance", "readiness"}
    assert isinstance(data["priority"], int)


@pytest.mark.real_model
def test_streaming_yields_tokens_and_cancels(real_llm):
    import threading

    cancel = threading.Event()
    pieces = []
    for piece in real_llm.stream([{"role": "user", "content": "Count from 1 to 50."}], max_tokens=60, cancel=cancel):
        pieces.append(piece)
        if len(pieces) == 3:
            cancel.set()
    assert 1 <= len(pieces) <= 4  # generation stopped right after the cancel


@pytest.mark.real_embedder
def test_real_embedding(real_embedder):
    vecs = real_embedder.embed(["pump cavitation", "cavitation in a centrifugal pump", "EU AI Act article 6"])
    assert vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert float(vecs[0] @ vecs[1]) > float(vecs[0] @ vecs[2])


@pytest.mark.real_model
def test_shared_system_message_is_evaluated_once(real_llm):
    """After warm-up, a call that starts with the shared system message evaluates only its user turn."""
    from copilot.agents.prompts.shared import shared_messages

    real_llm.warm(shared_messages(""))
    system_only = len(real_llm.tokenize(shared_messages("")[0]["content"]))
    first = real_llm.chat(shared_messages("Name one pump part in one word."), max_tokens=4, temperature=0)
    second = real_llm.chat(shared_messages("Name one motor part in one word."), max_tokens=4, temperature=0)
    for out in (first, second):
        assert out.timings["prompt_evaluated"] < out.prompt_tokens - system_only  # the prefix was reused
        assert out.timings["prompt_evaluated"] > 0  # the new user turn was evaluated


@pytest.mark.real_model
def test_without_prompt_cache_every_call_starts_cold(real_llm):
    from copilot.agents.prompts.shared import shared_messages

    real_llm.prompt_cache = False
    try:
        real_llm.warm(shared_messages(""))
        out = real_llm.chat(shared_messages("Name one pump part in one word."), max_tokens=4, temperature=0)
    finally:
        real_llm.prompt_cache = True
    assert out.timings["prompt_evaluated"] >= out.prompt_tokens - 1
