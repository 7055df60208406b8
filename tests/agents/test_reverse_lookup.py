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
