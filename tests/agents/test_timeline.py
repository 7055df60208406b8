"""'When does X apply?' is read from the timeline row it names, not guessed by the model."""

from __future__ import annotations

from copilot.agents.timeline import dated_row, render_dated_row
from copilot.types import Citation

TABLE = ("| Date | What applies |\n|---|---|\n"
         "| 2 February 2025 | Prohibited practices (Article 5) and AI literacy |\n"
         "| 2 August 2025 | Rules for general-purpose AI models, governance and penalties |\n"
         "| 2 August 2026 | Most remaining obligations, including Annex III high-risk systems and Article 50 transparency |\n"
         "| 2 August 2027 | High-risk classification through the product-safety route (Article 6(1), Annex I) |\n")
SOURCES = [Citation(marker=2, chunk_id="CL-005#4", doc_id="CL-005", title="EU AI Act risk triage", text=TABLE)]


def test_the_row_the_question_names_answers_with_its_date():
    row, cite = dated_row(SOURCES, "when do Annex III high-risk rules start applying?")
    text = render_dated_row(row, cite)
    assert text.startswith("**2 August 2026**: Most remaining obligations") and "[2]" in text
    assert "| 2 August 2026 |" in text and "| Date |" in text
    row, _ = dated_row(SOURCES, "When do the rules for general-purpose AI models apply")
    assert row.cells[0][1] == "2 August 2025"


def test_no_answer_without_a_when_question_or_a_clear_row():
    assert dated_row(SOURCES, "what do the Annex III high-risk rules require?") is None
    assert dated_row(SOURCES, "when is the next audit?") is None  # no row shares two words
    plain = [Citation(marker=1, chunk_id="x#1", doc_id="x", title="x", text="| Step | Owner |\n|---|---|\n| A | B |")]
    assert dated_row(plain, "when does step A start?") is None


def test_a_focused_table_and_a_reported_question_still_find_the_row():
    focused = TABLE.replace("| 2 February 2025 | Prohibited practices (Article 5) and AI literacy |\n", "...\n")
    src = [Citation(marker=2, chunk_id="CL-005#4", doc_id="CL-005", title="EU AI Act risk triage", text=focused)]
    row, _ = dated_row(src, "legal asked when the annex III high risk rules actually start applying")
    assert row.cells[0][1] == "2 August 2026"
    assert dated_row(src, "what do I check when E-204 trips the pump") is None


def test_the_first_ask_names_the_row_when_a_question_has_several():
    """"when does the AI literacy duty apply? and what about general-purpose AI models?": the first ask's row (the
    whole question shares more words with the general-purpose row)."""
    dates = Citation(marker=1, chunk_id="t", doc_id="CL-005", title="Timeline", text=(
        "| Date | What applies |\n|---|---|\n| 2 February 2025 | Prohibited practices (Article 5) and AI literacy "
        "(Article 4) |\n| 2 August 2025 | Rules for general-purpose AI models, governance and penalties |"))
    found = dated_row([dates], "when does the AI literacy duty apply? and what about general-purpose AI models?")
    assert found is not None and render_dated_row(*found).startswith("**2 February 2025**")
