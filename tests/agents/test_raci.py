"""Roles read from a RACI matrix row, not guessed by the model."""

from __future__ import annotations

from copilot.agents.raci import raci_row, render_raci
from copilot.types import Citation

MATRIX = """| Activity | Sponsor | Product owner | Data owner | Model owner | MLOps eng. |
|---|---|---|---|---|---|
| Use-case charter | A | R | C | I | I |
| Monitoring and drift response | I | I | C | A | R |"""
OTHER = """| Stage | Typical duration | Accountable owner |
|---|---|---|
| Align | 3-4 months | AI Steering Committee |"""


def _src(text: str) -> Citation:
    return Citation(marker=2, chunk_id="c", doc_id="PB-008", title="AI Operating Model, Roles and RACI", text=text)


def test_the_accountable_role_is_the_column_holding_a():
    question = "who is accountable for a model's monitoring and drift response once its live"
    row, cite = raci_row([_src(OTHER), _src(MATRIX)], question)
    text = render_raci(row, cite, question)
    assert text.startswith("**Monitoring and drift response**: accountable: Model owner [2]")
    assert "- responsible: MLOps eng." in text and "| Monitoring and drift response | I | I | C | A | R |" in text


def test_responsible_is_asked_first_when_asked():
    question = "who's responsible for the use-case charter?"
    text = render_raci(*raci_row([_src(MATRIX)], question), question)
    assert text.startswith("**Use-case charter**: responsible: Product owner [2]") and "- accountable: Sponsor" in text


def test_no_raci_answer_without_a_role_question_or_a_letter_row():
    assert raci_row([_src(MATRIX)], "what happens during monitoring and drift response?") is None
    assert raci_row([_src(OTHER)], "who is accountable for the Align stage?") is None  # not a RACI row
