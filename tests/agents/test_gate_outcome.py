"""The go-live gate outcome by the checklist's own rule."""

from __future__ import annotations

from copilot.agents.gate_outcome import gate_outcome
from copilot.types import Citation

OUTCOMES = Citation(marker=2, chunk_id="c", doc_id="CL-002", title="Production-Readiness Gate (G4 Go-Live) Checklist",
                    section="Outcomes", text=(
                        "## Outcomes\n\n- **Go**: all mandatory items met; at most three advisory items open.\n"
                        "- **Conditional go**: all mandatory items met; open advisory items exceed three but the gate "
                        "chair accepts a plan; the product owner reports closure within 30 days.\n"
                        "- **No go**: any mandatory item failed. The team returns to the relevant step of PB-001."))
ASK = "Gate pack for the compressor anomaly model: every mandatory item is a yes, but {} advisory items are still " \
      "open, each with an owner and a date. Is that a go?"


def test_more_open_advisory_items_than_a_go_allows_is_a_conditional_go():
    text = gate_outcome([OUTCOMES], ASK.format("five"))
    assert text is not None and text.startswith("**Conditional go**, by the gate's own rule [2]")
    assert "within 30 days. [2]" in text and "5 advisory items are open, more than the three" in text


def test_within_the_limit_is_a_go_and_a_failed_mandatory_item_is_a_no_go():
    assert gate_outcome([OUTCOMES], ASK.format("two")).startswith("**Go**")
    assert gate_outcome([OUTCOMES], ASK.format("3")).startswith("**Go**")
    assert gate_outcome([OUTCOMES], "one mandatory item is still open (no rollback test). is that a go?") \
        .startswith("**No go**")


def test_no_rule_answer_without_the_outcomes_or_the_facts():
    assert gate_outcome([], ASK.format("five")) is None  # no shown source holds the outcomes: the model answers
    assert gate_outcome([OUTCOMES], "what happens at the G4 gate?") is None  # not asked whether it is a go
    assert gate_outcome([OUTCOMES], "five advisory items are open. is that a go?") is None  # mandatory status unknown


def test_what_outcome_do_we_get_asks_for_the_gate_decision():
    from copilot.agents.gate_outcome import ASKS_GO

    assert ASKS_GO.search("all mandatory items are yes, 5 advisory items open. what outcome do we get?")
    assert ASKS_GO.search("what's the gate outcome then")
    assert not ASKS_GO.search("what outcomes does the gate checklist list?")
