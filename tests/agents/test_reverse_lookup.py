"""Which entry of a definitions table covers what the question describes: the row, quoted (no model)."""

from __future__ import annotations

from copilot.agents.reverse_lookup import render_reverse, reverse_lookup
from copilot.types import Citation

NIST = Citation(marker=2, chunk_id="n", doc_id="CL-007", title="Obligations by tier", text=(
    "| Subcategory | What it asks for |\n|---|---|\n"
    "| MEASURE 2.11 | Fairness and bias are evaluated and the results documented. |\n"
    "| MANAGE 1.1 | A decision is made whether the system meets its purpose and whether to proceed. |\n"
    "| MANAGE 2.4 | Means and named people exist to override, disengage or switch off a system that misbehaves. |\n"
    "| MANAGE 4.1 | Post-deployment monitoring, user feedback, appeal and override, incident response and change "
    "management are in place. |"))


def test_the_row_that_holds_the_described_words_answers_which_code_covers_it():
    found = reverse_lookup([NIST], "which NIST AI RMF function covers tracking incidents after deployment?")
    assert found is not None and found[1][0] == "MANAGE 4.1"
    assert render_reverse(*found).startswith("**MANAGE 4.1** (Obligations by tier): What it asks for: Post-deployment")
    found = reverse_lookup([NIST], "which subcategory covers having a way to switch off a misbehaving model?")
    assert found is not None and found[1][0] == "MANAGE 2.4"


def test_other_questions_or_no_clear_row_are_left_to_the_model():
    assert reverse_lookup([NIST], "what does MANAGE 4.1 ask for?") is None  # a lookup by code, not a reverse one
    assert reverse_lookup([NIST], "which subcategory covers supplier contracts?") is None  # no row holds it


def test_things_described_before_an_ask_pointing_back_get_a_row_each():
    """"I'm filing evidence for our ability to switch off a misbehaving model and for our incident handling. Which
    NIST AI RMF subcategories does our checklist map those to?": the model had answered "[1] and [2]"."""
    from copilot.agents.reverse_lookup import reverse_lookups

    q = ("I'm filing evidence for our ability to switch off a misbehaving model and for our incident handling and "
         "communication. Which NIST AI RMF subcategories does our checklist map those to?")
    assert [row[0] for _h, row, _c in reverse_lookups([NIST], q)] == ["MANAGE 2.4", "MANAGE 4.1"]
    assert reverse_lookups([NIST], "What is MANAGE 4.1? Which function is that in?") == []  # no description
    assert reverse_lookups([NIST], "Evidence for our supplier contracts. Which subcategory covers those?") == []


def test_what_a_described_requirement_maps_to_is_looked_up_in_the_documents_words():
    """"which NIST AI RMF subcategory our 'kill switch' requirement maps to": the model said MEASURE 2.4; a kill
    switch is what MANAGE 2.4 writes as override, disengage or switch off."""
    from copilot.agents.reverse_lookup import reverse_lookups

    q = "Our auditor wants to know which NIST AI RMF subcategory our 'kill switch' requirement maps to and which " \
        "checklist items evidence it."
    [found] = reverse_lookups([NIST], q)
    assert found[1][0] == "MANAGE 2.4"


def test_a_framework_item_the_model_names_is_checked_like_a_code():
    from copilot.agents.claim_check import check_text

    report = check_text("The kill switch maps to MEASURE 2.4 [2].", [NIST], "which subcategory covers a kill switch")
    assert report.text == "" and report.withheld[0].figures == ["MEASURE 2.4"]
    assert check_text("It maps to MANAGE 2.4 [2].", [NIST]).text == "It maps to MANAGE 2.4 [2]."
