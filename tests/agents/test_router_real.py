"""The router with the real embedder (accuracy on the held-back test split) and the real model (tie-break)."""

from __future__ import annotations

import pytest

from copilot.agents.router import Router
from copilot.agents.routing_eval import evaluate_routing
from copilot.agents.routing_examples import DEFAULT_EXAMPLE_FILES, load_items


@pytest.mark.real_embedder
def test_accuracy_on_the_test_split(settings, real_embedder) -> None:
    items = load_items(DEFAULT_EXAMPLE_FILES[0], split="test")
    assert len(items) >= 20
    router = Router(settings, real_embedder)  # no LLM: signals alone
    train_texts = {ex.text.strip().lower() for ex in router.index.examples}
    assert not train_texts & {it["text"].strip().lower() for it in items}, "test items leaked into training"
    report = evaluate_routing(router, items)
    assert report["accuracy"] >= 0.95, report["errors"]


@pytest.mark.real_embedder
def test_context_follow_up_with_real_embedder(settings, real_embedder) -> None:
    router = Router(settings, real_embedder)
    history = [{"role": "user", "content": "Pump P-101 mechanical seal keeps leaking"},
               {"role": "assistant", "content": "Check the flush line ...", "route": "maintenance"}]
    d = router.route("and what about the other one?", history=history)
    assert (d.route, d.method) == ("maintenance", "context")


@pytest.mark.real_embedder
@pytest.mark.real_model
def test_real_model_breaks_a_tie(settings, real_embedder, real_llm) -> None:
    always_ask = settings.model_copy(
        update={"agents": settings.agents.model_copy(update={"router_confidence": 1.0})})
    router = Router(always_ask, real_embedder, llm=real_llm)
    d = router.route("Is our pump vibration model high-risk under the EU AI Act?")
    assert d.method == "llm"
    assert d.route == "governance"
