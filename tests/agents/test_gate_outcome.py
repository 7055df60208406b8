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
    assert ASKS_GO.search("all mandatory items are Yes with evidence, but we still have 5 advisory items open. Can we "
                          "still go live?")
    assert not ASKS_GO.search("what outcomes does the gate checklist list?")


def test_a_stated_figure_below_a_mandatory_items_minimum_is_a_failed_mandatory_item():
    """"passed everything except only 82% of the operators have done the user training": PR-24 (type M) asks for at
    least 90%; the model said a conditional go was possible."""
    items = Citation(marker=1, chunk_id="i", doc_id="CL-002", title="Production-Readiness Gate (G4 Go-Live) Checklist",
                     text="| # | Item | Type |\n|---|---|---|\n"
                          "| PR-24 | At least 90% of intended users have completed Tier 2 AI User training | M |\n"
                          "| PR-27 | At least 80% of users rate the tool useful | A |")
    ask = ("our defect model passed everything at the gate except only 82% of the operators have done the user "
           "training. can we go live as a conditional?")
    text = gate_outcome([items, OUTCOMES], ask)
    assert text is not None and text.startswith("**No go**, by the gate's own rule [2]: a mandatory item is not met "
                                                "(PR-24, type M).")
    assert "**82%** is outside the accepted" in text and "- **Conditional go**: all mandatory items met" in text
    advisory = ask.replace("82% of the operators have done the user training", "75% of users rate the tool useful")
    assert gate_outcome([items, OUTCOMES], advisory) is None  # an advisory item below its target fails nothing


def test_a_stated_duration_short_of_a_mandatory_minimum_is_a_no_go_even_when_the_rest_is_yes():
    shadow = Citation(marker=1, chunk_id="s", doc_id="CL-002", title="Production-Readiness Gate (G4 Go-Live) Checklist",
                      text="| # | Item | Type |\n|---|---|---|\n| PR-05 | Shadow mode completed for at least 4 weeks (and at "
                           "least two campaigns for batch units) with results documented | M |")
    ask = ("G4 is next week. every mandatory item is a yes except shadow mode only ran 3 weeks, and we have 5 advisory "
           "items open. can we go ahead or not?")
    text = gate_outcome([shadow, OUTCOMES], ask)
    assert text is not None and text.startswith("**No go**") and "(PR-05, type M)" in text


class _Rows:
    """The checklist's item rows, found by code (bm25) when not shown."""

    def search(self, query: str, k: int = 4, mode: str | None = None, **_kw):
        from copilot.types import Chunk, Hit

        rows = {"PR-03": "A", "PR-09": "A", "PR-15": "A", "PR-23": "A", "PR-26": "A", "PR-05": "M"}
        return [Hit(chunk=Chunk(id=query, doc_id="CL-002", title="t", text=f"| {query} | item | {rows[query]} |"),
                    score=1.0)] if query in rows else []


def test_open_items_listed_by_code_are_counted_by_their_type():
    """"every mandatory item is a yes ... but PR-03, PR-09, PR-15, PR-23 and PR-26 are still open. Do we get a plain
    Go?": five advisory items (each row's type), more than three."""
    q = ("G4 for our chiller model: every mandatory item is a yes with evidence, but PR-03, PR-09, PR-15, PR-23 and "
         "PR-26 are still open. Do we get a plain Go?")
    text = gate_outcome([OUTCOMES], q, _Rows())
    assert text is not None and text.startswith("**Conditional go**")
    assert "5 advisory items are open (PR-03, PR-09, PR-15, PR-23, PR-26, type A)" in text
    mandatory = gate_outcome([OUTCOMES], q.replace("PR-26", "PR-05"), _Rows())
    assert mandatory.startswith("**No go**") and "PR-05 are mandatory" in mandatory
    assert gate_outcome([OUTCOMES], q.replace("PR-26", "PR-99")) is None  # a type unknown: the model answers
