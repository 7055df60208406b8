"""A table row named by its row and column words, quoted under its header."""

from __future__ import annotations

from copilot.agents.cell_lookup import named_row, render_named_row
from copilot.types import Citation

MLOPS = Citation(marker=3, chunk_id="m", doc_id="PB-005", title="MLOps, monitoring and retraining", text=(
    "| Signal | Watch level | Action level |\n|---|---|---|\n...\n"
    "| Population Stability Index (PSI) on any top-10 feature, 7-day window vs training | 0.10 | 0.25 |\n"
    "| Precision of alerts, 30-day rolling | below 0.7 | below 0.5 |"))
DIMS = Citation(marker=1, chunk_id="d", doc_id="PB-002", title="Readiness dimensions (ORI)", text=(
    "| Code | Dimension | What it covers | Weight |\n|---|---|---|---|\n| S | Strategy and KPIs | Link to goals | 20% |\n"
    "| D | Data | Availability, quality | 20% |\n| I | Infrastructure and MLOps | Compute | 15% |"))
INTAKE = Citation(marker=2, chunk_id="i", doc_id="PB-010", title="Use-case intake", text=(
    "| Criterion | Weight | A score of 5 means |\n|---|---|---|\n| Data availability | 25% | 12 months |\n"
    "| Value | 30% | large |"))


def test_the_row_named_by_a_word_of_its_first_cell_and_a_column_is_quoted():
    row = named_row([MLOPS, DIMS], "what PSI values count as watch vs action for drift?")
    assert row is not None and row.cells[1:] == ["0.10", "0.25"]
    assert render_named_row(row).splitlines() == [
        "| Signal | Watch level | Action level |", "|---|---|---|",
        "| Population Stability Index (PSI) on any top-10 feature, 7-day window vs training | 0.10 | 0.25 | [3]"]


def test_a_coded_row_is_named_by_its_second_cell_and_the_source_breaks_ties():
    row = named_row([INTAKE, DIMS, MLOPS], "what is the weight of the data dimension in the ORI")
    assert row is not None and row.source.doc_id == "PB-002" and row.cells[-1] == "20%"


def test_no_row_without_a_named_column_a_distinctive_word_or_with_a_tie():
    assert named_row([MLOPS], "what does PSI mean?") is None  # no column named
    assert named_row([MLOPS], "what is the watch level for drift?") is None  # no row word
    twin = Citation(marker=4, chunk_id="t", doc_id="PB-099", title="Other", text=(
        "| Signal | Watch level | Action level |\n|---|---|---|\n| PSI on any feature | 0.2 | 0.4 |\n| Bias | 1 | 2 |"))
    assert named_row([MLOPS, twin], "PSI watch level?") is None  # two rows, two answers


def test_a_responsibility_matrix_is_left_to_the_raci_reader():
    raci = Citation(marker=5, chunk_id="r", doc_id="PB-008", title="Roles and RACI", text=(
        "| Activity | Sponsor | Model owner | AIRB |\n|---|---|---|---|\n| EU AI Act triage and governance review | I | R | A |\n"
        "| Monitoring and drift response | I | A | C |"))
    assert named_row([raci], "where in the governance review is the model's off switch tested?") is None
